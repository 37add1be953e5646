package dev.netknife.monitor;

import dev.netknife.io.Durations;
import dev.netknife.io.ShutdownHooks;
import dev.netknife.term.Sanitizer;
import dev.netknife.term.Style;
import dev.netknife.term.TerminalSize;
import dev.netknife.term.WindowChanges;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The monitor's live table for a terminal. It runs on the terminal's alternate screen (as top and
 * watch do) and is drawn whole from the top-left corner each time, fitted to the window: no row is
 * wider than the window, so none wraps, and a resize cannot leave stale rows behind. When the
 * window is narrow the error column is cut short with an ellipsis and the sparkline goes first,
 * then the changes and uptime columns. On close the last table is printed to the normal screen.
 */
public final class LiveTable {
    private static final String BARS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588";
    private static final String ELLIPSIS = "\u2026";
    private static final int SPARKLINE = 30;
    private static final String ENTER = "\u001b[?1049h\u001b[?25l"; // alternate screen, cursor hidden
    private static final String LEAVE = "\u001b[?25h\u001b[?1049l";

    private final PrintStream terminal;
    private final Style style;
    private boolean open;

    public LiveTable(PrintStream terminal, Style style) {
        this.terminal = terminal;
        this.style = style;
    }

    /**
     * Shows {@code monitor}'s table on {@code terminal}, redrawn every second (or every interval when
     * shorter) and at once when the window changes size, until interrupted. Ctrl-C leaves the last
     * table on the normal screen. {@code env}: COLUMNS and LINES, when set, give the size.
     */
    public static void show(Monitor monitor, long interval, PrintStream terminal, Style style, Map<String, String> env)
            throws InterruptedException {
        LiveTable table = new LiveTable(terminal, style);
        AtomicReference<TerminalSize> size = new AtomicReference<>(TerminalSize.of(env));
        Semaphore redraw = new Semaphore(0);
        Thread restoreOnExit = new Thread(() -> table.close(title(monitor, interval), monitor.states(), size.get()), "nk-monitor-tty");
        ShutdownHooks.add(restoreOnExit);
        table.open();
        AtomicBoolean resized = new AtomicBoolean();
        try (WindowChanges watching = WindowChanges.watch(() -> {
            resized.set(true);
            redraw.release();
        })) {
            while (true) {
                if (resized.getAndSet(false)) { // once for a burst of signals while a window is dragged
                    size.set(TerminalSize.of(env));
                }
                table.draw(title(monitor, interval), monitor.states(), size.get());
                redraw.tryAcquire(Math.min(interval, 1_000), TimeUnit.MILLISECONDS);
                redraw.drainPermits();
            }
        } finally {
            table.close(title(monitor, interval), monitor.states(), size.get());
            ShutdownHooks.remove(restoreOnExit);
        }
    }

    /** The table's first line: what is watched, how often, how many are up, the time. */
    static String title(Monitor monitor, long interval) {
        List<TargetState> states = monitor.states();
        long up = states.stream().filter(st -> Boolean.TRUE.equals(st.up())).count();
        long down = states.stream().filter(st -> Boolean.FALSE.equals(st.up())).count();
        return "nk monitor \u00b7 " + states.size() + (states.size() == 1 ? " target" : " targets") + ", a probe every "
                + Durations.format(interval) + " \u00b7 " + up + " up, " + down + " down \u00b7 " + java.time.LocalTime.now().withNano(0);
    }

    /** Switches to the alternate screen. */
    public synchronized void open() {
        open = true;
        terminal.print(ENTER);
        terminal.flush();
    }

    /** Draws the table over the whole window; nothing once closed. */
    public synchronized void draw(String title, List<TargetState> states, TerminalSize size) {
        if (!open) {
            return;
        }
        StringBuilder out = new StringBuilder("\u001b[H");
        List<String> lines = lines(title, states, style, size.columns(), size.rows());
        for (int i = 0; i < lines.size(); i++) {
            out.append(lines.get(i)).append("\u001b[K").append(i + 1 < lines.size() ? "\r\n" : "");
        }
        terminal.print(out.append("\u001b[J"));
        terminal.flush();
    }

    /** Back to the normal screen, where the last table stays (every row, fitted to the width). */
    public synchronized void close(String title, List<TargetState> states, TerminalSize size) {
        if (!open) {
            return;
        }
        open = false;
        StringBuilder out = new StringBuilder(LEAVE);
        for (String line : lines(title, states, style, size.columns(), Integer.MAX_VALUE)) {
            out.append(line).append('\n');
        }
        terminal.print(out);
        terminal.flush();
    }

    /**
     * The table's lines for a window of {@code columns} x {@code rows}: the title, the header and as
     * many targets as fit, each line at most {@code columns - 1} cells wide (a line that fills the last
     * column makes some terminals wrap).
     */
    static List<String> lines(String title, List<TargetState> states, Style style, int columns, int rows) {
        int width = Math.max(1, columns - 1);
        int longest = 0;
        for (TargetState st : states) {
            longest = Math.max(longest, cells(Sanitizer.clean(st.target().text())));
        }
        Layout layout = Layout.fit(width, longest);
        Style paint = layout.tooNarrow() ? new Style(false) : style;
        List<String> lines = new ArrayList<>();
        lines.add(clip(title, width));
        lines.add(clip(layout.row("TARGET", "STATE", "LATENCY", "RECENT", "UPTIME", "CHANGES", "LAST ERROR"), width));
        int room = Math.max(0, rows - lines.size());
        int shown = states.size() <= room ? states.size() : Math.max(0, room - 1);
        for (TargetState st : states.subList(0, shown)) {
            ProbeResult r = st.last();
            Boolean up = st.up();
            String state = up == null ? "..." : up ? "UP" : "DOWN";
            String stateCell = pad(state, 5);
            if (up != null && paint.color()) {
                stateCell = (up ? paint.green(state) : paint.red(state)) + stateCell.substring(state.length());
            }
            String row = layout.row(Sanitizer.clean(st.target().text()), stateCell,
                    r == null || !r.up() ? "-" : String.format(Locale.ROOT, "%.1f ms", r.millis()), sparkline(st.recent()),
                    String.format(Locale.ROOT, "%.1f%%", st.uptimePercent()), Long.toString(st.changes()),
                    r == null || r.error() == null ? "" : Sanitizer.clean(r.error()));
            row = layout.tooNarrow() ? clip(row, width) : row; // otherwise the layout fits the width
            lines.add(row);
        }
        if (shown < states.size() && room > 0) {
            lines.add(clip(ELLIPSIS + " " + (states.size() - shown) + " more below: a taller window shows them (--json lists every probe)", width));
        }
        return lines;
    }

    /** Which columns fit in {@code width} cells, and how wide the target and error columns are. */
    record Layout(int target, boolean recent, boolean uptime, boolean changes, int error, boolean tooNarrow) {
        private static final int STATE_AND_LATENCY = 1 + 5 + 1 + 9;

        static Layout fit(int width, int longestTarget) {
            int target = Math.clamp(longestTarget, 6, 36);
            boolean recent = true;
            boolean uptime = true;
            boolean changes = true;
            int error = width - target - STATE_AND_LATENCY - (2 + SPARKLINE) - 8 - 8 - 2;
            if (error < 12) {
                recent = false;
                error += 2 + SPARKLINE;
            }
            if (error < 12) {
                changes = false;
                error += 8;
            }
            if (error < 12) {
                uptime = false;
                error += 8;
            }
            if (error < 10 && target > 12) {
                int take = Math.min(target - 12, 10 - error);
                target -= take;
                error += take;
            }
            boolean tooNarrow = error < 0;
            return new Layout(target, recent, uptime, changes, Math.max(0, error), tooNarrow);
        }

        /** {@code stateCell} is 5 cells wide (it may carry colour). */
        String row(String targetText, String stateCell, String latencyText, String recentText, String uptimeText,
                String changesText, String errorText) {
            StringBuilder row = new StringBuilder(cut(targetText, target)).append(' ').append(stateCell).append(' ')
                    .append(padLeft(latencyText, 9));
            if (recent) {
                row.append("  ").append(pad(recentText, SPARKLINE));
            }
            if (uptime) {
                row.append(' ').append(padLeft(uptimeText, 7));
            }
            if (changes) {
                row.append(' ').append(padLeft(changesText, 7));
            }
            if (error > 0 && !errorText.isEmpty()) {
                row.append("  ").append(cut(errorText, error).stripTrailing());
            }
            return row.toString();
        }
    }

    /** One bar per recent probe, scaled to the slowest; x for a failed probe. */
    static String sparkline(List<Double> latencies) {
        double max = 0;
        for (double v : latencies) {
            max = Math.max(max, v);
        }
        StringBuilder s = new StringBuilder();
        for (double v : latencies) {
            s.append(v < 0 ? "x" : max == 0 ? BARS.charAt(0) : BARS.charAt((int) Math.min(7, Math.floor(v / max * 7.999))));
        }
        return s.toString();
    }

    /** Exactly {@code width} cells: padded, or cut with an ellipsis. */
    private static String cut(String s, int width) {
        int cells = cells(s);
        if (cells <= width) {
            return pad(s, width);
        }
        return width <= 0 ? "" : s.substring(0, s.offsetByCodePoints(0, width - 1)) + ELLIPSIS;
    }

    private static String clip(String s, int width) {
        return cells(s) <= width ? s : cut(s, width);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - cells(s)));
    }

    private static String padLeft(String s, int width) {
        return " ".repeat(Math.max(0, width - cells(s))) + s;
    }

    /** Cells on a terminal: one per code point (what nk prints here is cleaned of controls and narrow). */
    static int cells(String s) {
        return s.codePointCount(0, s.length());
    }
}
