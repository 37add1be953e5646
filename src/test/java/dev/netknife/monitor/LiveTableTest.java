package dev.netknife.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.io.Timings;
import dev.netknife.term.Style;
import dev.netknife.term.TerminalSize;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The live table fitted to the window: no line as wide as the window, columns dropped in order, rows that do not fit summed up. */
class LiveTableTest {
    private static final String TITLE = "nk monitor \u00b7 3 targets";

    private static List<TargetState> states() {
        List<TargetState> states = new ArrayList<>();
        states.add(state("127.0.0.1:8080", null, 0.4));
        states.add(state("https://status.example.internal:8443/a/rather/long/health/path", "certificate expires in 3 days (not after "
                + "2026-12-07T00:00:00Z), under --min-days 14", -1));
        states.add(state("127.0.0.1:1", "connection refused (127.0.0.1:1)", -1));
        return states;
    }

    private static TargetState state(String target, String error, double millis) {
        TargetState st = new TargetState(Target.parse(target));
        long nanos = (long) (Math.max(0, millis) * 1e6);
        for (int i = 0; i < 40; i++) {
            st.record(new ProbeResult(st.target(), error == null, error, error == null ? null : "connect",
                    Timings.connected(-1, nanos).withTotal(nanos), 0, 0, i));
        }
        return st;
    }

    @ParameterizedTest(name = "{0} columns")
    @ValueSource(ints = {130, 100, 80, 60, 40, 20})
    void noLineReachesTheLastColumn(int columns) {
        List<String> lines = LiveTable.lines(TITLE, states(), new Style(false), columns, 24);
        assertEquals(5, lines.size(), "title, header, three targets: " + lines);
        for (String line : lines) {
            assertTrue(LiveTable.cells(line) <= columns - 1, columns + " columns: " + LiveTable.cells(line) + " cells in '" + line + "'");
        }
        assertTrue(lines.get(1).startsWith("TARGET"), lines.get(1));
    }

    @Test
    void theSparklineGoesFirstThenChangesAndUptime() {
        String wide = LiveTable.lines(TITLE, states(), new Style(false), 160, 24).get(1);
        assertTrue(wide.contains("RECENT") && wide.contains("CHANGES") && wide.contains("UPTIME") && wide.contains("LAST ERROR"), wide);
        String eighty = LiveTable.lines(TITLE, states(), new Style(false), 80, 24).get(1);
        assertFalse(eighty.contains("RECENT"), eighty);
        assertTrue(eighty.contains("LAST ERROR") && eighty.contains("UPTIME"), eighty);
        String narrow = LiveTable.lines(TITLE, states(), new Style(false), 60, 24).get(1);
        assertFalse(narrow.contains("UPTIME") || narrow.contains("CHANGES"), narrow);
        assertTrue(narrow.contains("LAST ERROR"), narrow);
    }

    @Test
    void longErrorsAndTargetsEndInAnEllipsis() {
        List<String> lines = LiveTable.lines(TITLE, states(), new Style(false), 100, 24);
        assertTrue(lines.get(3).contains("https://status.example.internal:844\u2026"), lines.get(3));
        assertTrue(lines.get(3).endsWith("\u2026"), "the error is cut: " + lines.get(3));
        String wider = LiveTable.lines(TITLE, states(), new Style(false), 110, 24).get(4);
        assertTrue(wider.endsWith("connection refused (127.0.0.1:1)"), "a short error is whole: " + wider);
    }

    @Test
    void rowsThatDoNotFitAreCounted() {
        List<String> lines = LiveTable.lines(TITLE, states(), new Style(false), 80, 4);
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(3).startsWith("\u2026 2 more below"), lines.get(3));
    }

    @Test
    void colourDoesNotCountTowardsTheWidth() {
        List<String> plain = LiveTable.lines(TITLE, states(), new Style(false), 80, 24);
        List<String> coloured = LiveTable.lines(TITLE, states(), new Style(true), 80, 24);
        assertTrue(coloured.get(2).contains("\u001b["), coloured.get(2));
        assertEquals(plain.get(2), coloured.get(2).replaceAll("\u001b\\[[0-9;]*m", ""));
    }

    @Test
    void drawsOnTheAlternateScreenAndLeavesTheLastTableOnTheNormalOne() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveTable table = new LiveTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), new Style(false));
        table.open();
        table.draw(TITLE, states(), new TerminalSize(80, 3));
        table.close(TITLE, states(), new TerminalSize(80, 3));
        table.draw(TITLE, states(), new TerminalSize(80, 3)); // after close: nothing
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\u001b[?1049h"), out);
        int leave = out.indexOf("\u001b[?1049l");
        assertTrue(leave > 0 && out.indexOf("\u001b[H") < leave, out);
        String after = out.substring(leave + "\u001b[?1049l".length());
        assertEquals(5, after.split("\n").length, "every target in the last table, whatever the height: " + after);
        assertFalse(after.contains("\u001b[H"), "nothing drawn after close: " + after);
    }
}
