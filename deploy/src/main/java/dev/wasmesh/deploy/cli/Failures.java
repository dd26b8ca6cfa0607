package dev.wasmesh.deploy.cli;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.istio.KubernetesErrors;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** Runs a command's work and turns the failures users cause into one line on stderr and exit code 1. */
final class Failures {
    static final int FAILED = 1;

    private Failures() {}

    static int run(CommandSpec spec, Callable<Integer> work) throws Exception {
        try {
            return work.call();
        } catch (DeployException e) {
            return fail(spec, e.getMessage());
        } catch (KubernetesClientException e) {
            return fail(spec, KubernetesErrors.firstLine(e));
        } catch (UncheckedIOException e) {
            return fail(spec, e.getCause().getMessage());
        }
    }

    private static int fail(CommandSpec spec, String message) {
        spec.commandLine().getErr().println("error: " + message);
        return FAILED;
    }
}
