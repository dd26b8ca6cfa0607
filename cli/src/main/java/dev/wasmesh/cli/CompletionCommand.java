package dev.wasmesh.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints picocli's bash completion script for the whole command tree. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        header = "Print a bash completion script.",
        description = "Print a bash completion script for wasmesh (zsh can use it through bashcompinit).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  source <(wasmesh completion)             # this shell only",
            "  wasmesh completion > ~/.local/share/bash-completion/completions/wasmesh",
        })
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        CommandSpec root = spec.root();
        root.commandLine().getOut().print(AutoComplete.bash(root.name(), root.commandLine()));
        root.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
