package dev.wasmesh.cli;

import picocli.CommandLine.Help.Ansi;

/** Decides whether output is coloured: only on an interactive terminal, and never with NO_COLOR set. */
public final class Style {
    private Style() {}

    public static Ansi ansi() {
        boolean terminal = System.console() != null;
        boolean noColor = System.getenv("NO_COLOR") != null;
        boolean dumb = "dumb".equals(System.getenv("TERM"));
        return terminal && !noColor && !dumb ? Ansi.ON : Ansi.OFF;
    }

    /** Renders picocli markup such as {@code @|bold,red error|@} with or without colour. */
    public static String render(String markup) {
        return ansi().string(markup);
    }
}
