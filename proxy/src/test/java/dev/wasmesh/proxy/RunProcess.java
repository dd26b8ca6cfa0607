package dev.wasmesh.proxy;

import dev.wasmesh.proxy.cli.ProxyMain;
import dev.wasmesh.testsupport.ProxyProcess;
import java.nio.file.Path;
import java.util.List;

/** The proxy module's own main, {@code wasmesh …} without the rest of the CLI, as a {@link ProxyProcess}. */
final class RunProcess {
    private RunProcess() {}

    static ProxyProcess start(String... args) throws Exception {
        return start(List.of(), args);
    }

    /** @param jvm options for the process's JVM, such as {@code -Dwasmesh.transport=epoll} */
    static ProxyProcess start(List<String> jvm, String... args) throws Exception {
        return ProxyProcess.start(command(jvm), here(), args);
    }

    /** {@code wasmesh run ARGS} with one worker on free loopback ports, once it has printed its ready line. */
    static ProxyProcess run(String... args) throws Exception {
        return run(List.of(), args);
    }

    static ProxyProcess run(List<String> jvm, String... args) throws Exception {
        return ProxyProcess.run(command(jvm), here(), args);
    }

    private static List<String> command(List<String> jvm) {
        return ProxyProcess.javaCommand(jvm, ProxyMain.class.getName());
    }

    private static Path here() {
        return Path.of(System.getProperty("user.dir"));
    }
}
