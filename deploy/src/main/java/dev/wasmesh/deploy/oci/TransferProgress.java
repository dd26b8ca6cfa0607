package dev.wasmesh.deploy.oci;

import java.io.InputStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr for blobs large enough to wait for; small ones would only flicker. */
final class TransferProgress {
  static final long THRESHOLD = 1L << 20;
  private static final int WIDTH = 80;

  private TransferProgress() {}

  static InputStream wrap(InputStream in, String task, long size, boolean enabled) {
    if (!enabled || size < THRESHOLD) {
      return in;
    }
    // A fixed width spares progressbar from probing the terminal through JLine.
    return ProgressBar.wrap(in, new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(size)
        .setUnit("KiB", 1024)
        .setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(System.err, WIDTH)));
  }
}
