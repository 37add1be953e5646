package dev.netknife.monitor;

import dev.netknife.term.Sanitizer;
import dev.netknife.term.Style;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The monitor's live table for a terminal: redrawn in place, one row per target with a latency sparkline. */
public final class LiveTable {
    private static final String BARS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588";

    private LiveTable() {
    }

    /** Draws the table over the previous one ({@code previousLines} tall); returns this one's height. */
    public static int redraw(PrintStream terminal, Style style, List<TargetState> states, int previousLines) {
        StringBuilder out = new StringBuilder();
        if (previousLines > 0) {
            out.append("\u001b[").append(previousLines).append('A');
        }
        out.append("\r\u001b[K").append(String.format(Locale.ROOT, "%-36s %-5s %9s  %-30s %7s %7s  %s%n", "TARGET", "STATE", "LATENCY",
                "RECENT", "UPTIME", "CHANGES", "LAST ERROR"));
        for (TargetState st : states) {
            ProbeResult r = st.last();
            Boolean up = st.up();
            String state = up == null ? "...  " : up ? style.green("UP   ") : style.red("DOWN ");
            out.append("\r\u001b[K").append(String.format(Locale.ROOT, "%-36s %s %9s  %-30s %6.1f%% %7d  %s%n", abbreviate(st.target().text(), 36),
                    state, r == null || !r.up() ? "-" : String.format(Locale.ROOT, "%.1f ms", r.millis()), sparkline(st.recent()),
                    st.uptimePercent(), st.changes(), r == null || r.error() == null ? "" : abbreviate(Sanitizer.clean(r.error()), 60)));
        }
        terminal.print(out);
        terminal.flush();
        return states.size() + 1;
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

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

}
