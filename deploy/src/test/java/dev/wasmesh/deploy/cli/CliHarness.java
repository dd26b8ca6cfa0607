package dev.wasmesh.deploy.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Runs a command as the root wasmesh command would, with captured output and, when given, a test cluster. */
final class CliHarness {
    record Result(int exitCode, String out, String err) {}

    private final Supplier<KubernetesClient> cluster;
    private final InputStream stdin;

    CliHarness(Supplier<KubernetesClient> cluster, String stdin) {
        this.cluster = cluster;
        this.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    }

    CliHarness() {
        this(
                () -> {
                    throw new AssertionError("this test must not touch a cluster");
                },
                "");
    }

    /** What commands constructed by the test should read as their standard input. */
    InputStream stdin() {
        return stdin;
    }

    Result run(Object command, String... args) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                Object made;
                if (type == IstioDeployCommand.class) {
                    made = new IstioDeployCommand(options -> cluster.get(), stdin);
                } else if (type == DeployListCommand.class) {
                    made = new DeployListCommand(options -> cluster.get());
                } else {
                    return CommandLine.defaultFactory().create(type);
                }
                return type.cast(made);
            }
        };
        CommandLine cli = new CommandLine(command, factory);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
