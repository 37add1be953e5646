package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.NkRun;
import dev.netknife.support.Peers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nk monitor's live table in a real terminal: tmux at 80x24, resized while it runs, then Ctrl-C. */
class MonitorTerminalTest {

    /** A tmux server of the test's own (its own socket), one detached session running one command. */
    private record Tmux(String tmux, String socket) implements AutoCloseable {
        static Tmux start(int columns, int rows, List<String> command) throws Exception {
            Tmux t = new Tmux(Peers.require("tmux", "tmux"), "nk-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            List<String> args = new ArrayList<>(List.of("new-session", "-d", "-s", "nk", "-x", Integer.toString(columns), "-y",
                    Integer.toString(rows)));
            args.add(String.join(" ", command.stream().map(Tmux::quote).toList()));
            t.run(args.toArray(String[]::new));
            return t;
        }

        String run(String... args) throws Exception {
            List<String> command = new ArrayList<>(List.of(tmux, "-u", "-L", socket, "-f", "/dev/null"));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().remove("COLUMNS");
            builder.environment().remove("LINES");
            builder.environment().remove("TMUX");
            builder.environment().put("TERM", "xterm-256color");
            builder.environment().put("LANG", "C.UTF-8"); // the terminal this test makes is a UTF-8 one, whatever the caller's locale
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "tmux " + String.join(" ", args));
            assertEquals(0, p.exitValue(), "tmux " + String.join(" ", args) + ": " + out);
            return out;
        }

        /** The visible screen, each line without its trailing blanks. */
        List<String> screen() throws Exception {
            return run("capture-pane", "-p", "-t", "nk").lines().map(String::stripTrailing).toList();
        }

        List<String> await(String what, Predicate<List<String>> shown) throws Exception {
            List<String> screen = List.of();
            for (int i = 0; i < 200; i++) {
                screen = screen();
                if (shown.test(screen)) {
                    return screen;
                }
                Thread.sleep(100);
            }
            throw new AssertionError(what + " not shown; the screen:\n" + String.join("\n", screen));
        }

        void resize(int columns, int rows) throws Exception {
            run("resize-window", "-t", "nk", "-x", Integer.toString(columns), "-y", Integer.toString(rows));
        }

        private static String quote(String arg) {
            return "'" + arg.replace("'", "'\\''") + "'";
        }

        @Override
        public void close() throws Exception {
            run("kill-server");
        }
    }

    @Test
    void theTableFitsTheWindowFollowsResizesAndStaysAfterCtrlC(@TempDir Path dir) throws Exception {
        try (MonitorCommandTest.Listener up = new MonitorCommandTest.Listener(0)) {
            String down = "127.0.0.1:" + Peers.closedPort();
            Path exit = dir.resolve("exit");
            List<String> command = new ArrayList<>(List.of("bash", "-c", "\"$@\"; echo $? > " + exit + "; sleep 60", "nk"));
            command.addAll(NkRun.commandLine());
            command.addAll(List.of("monitor", "--interval", "200ms", up.target(), down,
                    "http://" + up.target() + "/a/path/long/enough/to/be/cut/short/in/a/narrow/window"));
            try (Tmux tmux = Tmux.start(80, 24, command)) {
                List<String> screen = tmux.await("both states at 80x24", s -> s.stream().anyMatch(l -> l.startsWith(up.target() + " ")
                        && l.contains(" UP ")) && s.stream().anyMatch(l -> l.startsWith(down) && l.contains("DOWN")));
                assertFits(screen, 80);
                assertTrue(screen.getFirst().startsWith("nk monitor \u00b7 3 targets"), screen.getFirst());
                assertTrue(screen.stream().anyMatch(l -> l.contains("connection refus")), String.join("\n", screen));

                tmux.resize(60, 24); // SIGWINCH: redrawn at once for the new width
                screen = tmux.await("the table at 60 columns", s -> s.size() > 1 && s.get(1).startsWith("TARGET")
                        && !s.get(1).contains("UPTIME"));
                assertFits(screen, 60);

                tmux.resize(130, 30);
                screen = tmux.await("the table at 130 columns with its sparkline", s -> s.size() > 1 && s.get(1).contains("RECENT"));
                assertFits(screen, 130);

                tmux.run("send-keys", "-t", "nk", "C-c");
                for (int i = 0; i < 100 && !Files.exists(exit); i++) {
                    Thread.sleep(100);
                }
                assertEquals("130", Files.readString(exit).strip(), "Ctrl-C ends it with 130");
                screen = tmux.screen();
                assertEquals(1, screen.stream().filter(l -> l.startsWith("TARGET")).count(),
                        "the last table stays on the normal screen: " + String.join("\n", screen));
                assertTrue(screen.stream().anyMatch(l -> l.startsWith(up.target() + " ") && l.contains(" UP ")), String.join("\n", screen));
            }
        }
    }

    /** One header, and no line that reaches the last column (where a terminal may wrap it). */
    private static void assertFits(List<String> screen, int columns) {
        String shown = String.join("\n", screen);
        assertEquals(1, screen.stream().filter(l -> l.startsWith("TARGET")).count(), "one header:\n" + shown);
        for (String line : screen) {
            assertTrue(line.codePointCount(0, line.length()) < columns, "a line as wide as the " + columns + "-column window:\n" + shown);
        }
        assertFalse(screen.stream().anyMatch(l -> l.contains("\u001b")), shown);
    }
}
