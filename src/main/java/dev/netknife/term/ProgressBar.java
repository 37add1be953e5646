package dev.netknife.term;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line download progress bar on stderr: bytes so far, total and percentage when known, rate
 * and time left. Redrawn in place at most ten times a second; the caller shows it only on a
 * terminal and never under -q or --json.
 */
public final class ProgressBar {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 24;

    private final PrintStream err;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long done;
    private long lastDraw;

    /** {@code total} -1 when unknown. */
    public ProgressBar(PrintStream err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = total;
    }

    /** Wraps a stream so that every write advances the bar. */
    public OutputStream counting(OutputStream out) {
        return new OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                out.write(b);
                advance(1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                out.write(b, off, len);
                advance(len);
            }

            @Override
            public void flush() throws java.io.IOException {
                out.flush();
            }

            @Override
            public void close() throws java.io.IOException {
                out.close();
            }
        };
    }

    void advance(long n) {
        done += n;
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw(now, false);
        }
    }

    /** Draws the final state and ends the line. */
    public void finish() {
        draw(System.nanoTime(), true);
    }

    private void draw(long now, boolean last) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        StringBuilder line = new StringBuilder("\r").append(label).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, WIDTH * done / total);
            line.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%% ", Math.min(100, 100 * done / total)));
            line.append(Units.bytes(done)).append(" / ").append(Units.bytes(total));
        } else {
            line.append(Units.bytes(done));
        }
        line.append("  ").append(Units.bytes((long) rate)).append("/s");
        if (total > 0 && !last && rate > 0) {
            long left = (long) ((total - done) / rate);
            line.append(String.format(Locale.ROOT, "  ETA %d:%02d", left / 60, left % 60));
        }
        line.append("\u001b[K");
        err.print(line);
        if (last) {
            err.println();
        }
        err.flush();
    }
}
