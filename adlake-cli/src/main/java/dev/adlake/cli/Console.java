package dev.adlake.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * What the CLI prints for people: lines, aligned tables and progress bars. Progress redraws one
 * line on a terminal and prints a line per quarter otherwise, so logs of CI stay short.
 */
final class Console {
  private final PrintWriter out;
  private final boolean interactive;
  private boolean pendingStatus;

  Console(PrintWriter out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  synchronized void line(String text) {
    if (pendingStatus) {
      out.print("\r\033[K");
      pendingStatus = false;
    }
    out.println(text);
    out.flush();
  }

  /**
   * A status shown on a terminal until the next line replaces it, such as "running..." while a step
   * works; not printed elsewhere, where the next line says all.
   */
  synchronized void status(String text) {
    if (interactive) {
      out.print(text);
      out.flush();
      pendingStatus = true;
    }
  }

  void line(String format, Object... arguments) {
    line(String.format(Locale.ROOT, format, arguments));
  }

  void blank() {
    line("");
  }

  /** A progress bar for work counted in steps. */
  Progress progress(String label) {
    return new Progress(label);
  }

  final class Progress {
    private final String label;
    private int lastQuarter = -1;

    private Progress(String label) {
      this.label = label;
    }

    void update(int done, int total) {
      int width = 30;
      int filled = total == 0 ? width : (int) ((long) done * width / total);
      if (interactive) {
        out.print(
            "\r  %s [%s%s] %d/%d"
                .formatted(label, "#".repeat(filled), " ".repeat(width - filled), done, total));
        if (done == total) {
          out.println();
        }
        out.flush();
      } else {
        int quarter = total == 0 ? 4 : done * 4 / total;
        if (quarter != lastQuarter) {
          lastQuarter = quarter;
          line("  %s %d/%d", label, done, total);
        }
      }
    }
  }

  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }
}
