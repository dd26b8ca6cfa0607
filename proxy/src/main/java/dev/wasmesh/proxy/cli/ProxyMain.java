package dev.wasmesh.proxy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Standalone entry point of the proxy module: {@code wasmesh run ...} and {@code wasmesh echo ...}. */
@Command(
        name = "wasmesh",
        mixinStandardHelpOptions = true,
        subcommands = {RunCommand.class, EchoCommand.class},
        description = "proxy-wasm filters on real HTTP traffic")
public final class ProxyMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        // No @file argument expansion: --plugin-config and --vm-config take @FILE as the file's bytes, unsplit.
        System.exit(new CommandLine(new ProxyMain()).setExpandAtFiles(false).execute(args));
    }
}
