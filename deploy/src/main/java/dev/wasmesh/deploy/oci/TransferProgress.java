package dev.wasmesh.deploy.oci;

import java.io.InputStream;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr for blobs large enough to wait for; small ones would only flicker. */
final class TransferProgress {
    static final long THRESHOLD = 1L << 20;
    private static final int WIDTH = 80;

    private TransferProgress() {}

    /** @param sink where to draw the bar, or null for no bar */
    static InputStream wrap(InputStream in, String task, long size, PrintStream sink) {
        if (sink == null || size < THRESHOLD) {
            return in;
        }
        // A fixed width spares progressbar from probing the terminal through JLine.
        return ProgressBar.wrap(
                in,
                new ProgressBarBuilder()
                        .setTaskName(task)
                        .setInitialMax(size)
                        .setUnit("KiB", 1024)
                        .setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(new ConsoleProgressBarConsumer(sink, WIDTH)));
    }
}
