package dev.wasmesh.cli.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Whether this machine has the toolchains the end-to-end loops drive. */
final class Tools {
    private static final Pattern GO_VERSION = Pattern.compile("go1\\.(\\d+)");

    private Tools() {}

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static boolean goAtLeast124() {
        Matcher version = GO_VERSION.matcher(output("go", "env", "GOVERSION"));
        return onPath("go") && version.find() && Integer.parseInt(version.group(1)) >= 24;
    }

    /** rustup installs a target's standard library under the sysroot. */
    static boolean rustTarget(String target) {
        String sysroot = output("rustc", "--print", "sysroot").strip();
        return !sysroot.isEmpty() && Files.isDirectory(Path.of(sysroot, "lib", "rustlib", target));
    }

    private static String output(String... command) {
        if (!onPath(command[0])) {
            return "";
        }
        try {
            Process process = new ProcessBuilder(List.of(command))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
