package dev.netknife.cli;

import static com.github.stefanbirkner.systemlambda.SystemLambda.tapSystemErr;
import static com.github.stefanbirkner.systemlambda.SystemLambda.tapSystemOut;
import static com.github.stefanbirkner.systemlambda.SystemLambda.withEnvironmentVariable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.Nk;
import dev.netknife.support.NkRun;
import dev.netknife.term.Style;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RootTest {

    @Test
    void versionGoesToStdout() throws Exception {
        int[] code = new int[1];
        String out = tapSystemOut(() -> code[0] = new Nk().execute("--version"));
        assertEquals(0, code[0]);
        assertTrue(out.matches("nk \\S+ \\(commit \\w+\\)\\Rruntime: Java 25\\S* \\(.+\\), \\S+ \\S+\\R"), out);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"-Xmx1g", "-XX:+PrintGC", "-Dfoo=1", "-Djavax.net.ssl.trustStore=/nonexistent"})
    void javaStyleOptionsAreNksToRefuseNotTheRuntimes(String option) {
        // a native image would otherwise take -X, -XX: and -D arguments for itself, anywhere on the command line
        NkRun.Result r = NkRun.run("connect", option, "127.0.0.1", "1");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.stderr().startsWith("nk: connect: Unknown option: '" + option + "'"), r.stderr());
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        NkRun.Result r = NkRun.run("--help");
        assertEquals(0, r.code());
        for (String s : new String[] {"echo-server", "connect", "Exit codes:", "124", "timed out", "130", "interrupted", "NO_COLOR"}) {
            assertTrue(r.out().contains(s), "help mentions " + s + ":\n" + r.out());
        }
    }

    @Test
    void helpCommandShowsASubcommandsHelp() {
        NkRun.Result r = NkRun.run("help", "connect");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("Usage: nk connect [options] HOST PORT"), r.out());
        assertEquals(r.out(), NkRun.run("connect", "--help").out());
    }

    @Test
    void noCommandIsAUsageError() {
        NkRun.Result r = NkRun.run();
        assertEquals(2, r.code());
        assertTrue(r.stderr().startsWith("Usage: nk"), r.stderr());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "frobnicate                        | nk: unknown command 'frobnicate' (see 'nk --help')",
        "connect --frob x y                | nk: connect: Unknown option: '--frob' (see 'nk connect --help')",
        "connect                           | nk: connect: Missing required parameter: 'HOST' (see 'nk connect --help')",
        "connect 127.0.0.1 http            | nk: connect: bad port 'http': expected a number from 0 to 65535",
        "connect 127.0.0.1 70000           | nk: connect: bad port '70000': expected a number from 0 to 65535",
        "connect --connect-timeout 5x h 1  | nk: connect: --connect-timeout: bad duration '5x': expected e.g. 250ms, 3s, 2m, 1h or seconds",
        "connect --idle-timeout soon h 1   | nk: connect: --idle-timeout: bad duration 'soon': expected e.g. 250ms, 3s, 2m, 1h or seconds",
        "connect -4 -6 h 1                 | nk: connect: -4 and -6 exclude each other",
        "connect -k h 1                    | nk: connect: -k only makes sense with -l",
        "connect --send \\q h 1            | nk: connect: unknown escape '\\q' in '\\q' (use \\\\ for a backslash)",
        "connect --expect ( h 1            | nk: connect: bad regular expression '(': Unclosed group",
        "connect -z h 9-1                  | nk: connect: bad port range '9-1': 9 is above 1",
        "connect --color=purple h 1        | nk: connect: bad value 'purple' for --color: expected auto, always or never",
        "echo-server                       | nk: echo-server: Missing required parameter: 'PORT' (see 'nk echo-server --help')",
        "echo-server --rate 0 0            | nk: echo-server: --rate: bad rate '0': expected N, N/s or N/m (N at least 1)",
        "echo-server --max-conns -1 0      | nk: echo-server: --max-conns: bad number '-1': expected 1 to 10000000",
        "echo-server --bind no.such.host.invalid 0 | nk: echo-server: --bind: cannot resolve bind address 'no.such.host.invalid'",
    })
    void badInputIsOneLineAndExit2(String args, String message) {
        NkRun.Result r = NkRun.run(args.split(" "));
        assertEquals(2, r.code(), r.toString());
        assertEquals(message + System.lineSeparator(), r.stderr());
        assertEquals("", r.out());
    }

    @Test
    void stackTraceOnlyWithVerbose() {
        NkRun.Result quiet = NkRun.run("connect", "127.0.0.1", "x");
        assertFalse(quiet.stderr().contains("\tat "), quiet.stderr());
        NkRun.Result verbose = NkRun.run("-v", "connect", "127.0.0.1", "x");
        assertTrue(verbose.stderr().contains("\tat dev.netknife"), verbose.stderr());
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheCommand() {
        NkRun.Result before = NkRun.run("--json", "connect", "-z", "127.0.0.1", "1");
        NkRun.Result after = NkRun.run("connect", "-z", "--json", "127.0.0.1", "1");
        assertEquals(4, before.code());
        assertEquals(4, after.code());
        assertTrue(before.out().startsWith("{\"schema\":\"nk/1\",\"command\":\"connect\""), before.out());
        assertTrue(after.out().startsWith("{\"schema\":\"nk/1\",\"command\":\"connect\""), after.out());
    }

    @Test
    void jsonErrorsCarryKindAndPhase() {
        NkRun.Result r = NkRun.run("--json", "connect", "no-such-host.invalid", "80");
        assertEquals(3, r.code());
        assertEquals("", r.out(), "connect's stdout is the peer's bytes: its JSON goes to stderr");
        String[] err = r.stderr().split(System.lineSeparator());
        assertTrue(err[0].contains("\"ok\":false,\"exit_code\":3,\"error\":{\"kind\":\"unknown_host\",\"phase\":\"dns\""), r.stderr());
        assertEquals("nk: connect: could not resolve host no-such-host.invalid", err[1]);
        NkRun.Result http = NkRun.run("--json", "http-get", "http://no-such-host.invalid/");
        assertTrue(http.out().contains("\"exit_code\":3,\"error\":{\"kind\":\"unknown_host\",\"phase\":\"dns\""), http.out());
        NkRun.Result usage = NkRun.run("--json", "connect", "--bogus");
        assertEquals(2, usage.code());
        assertTrue(usage.out().contains("\"error\":{\"kind\":\"usage\""), usage.out());
    }

    @Test
    void argumentsFromAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path args = dir.resolve("args");
        java.nio.file.Files.writeString(args, "-z\n127.0.0.1\n1\n");
        NkRun.Result r = NkRun.run("connect", "@" + args);
        assertEquals(4, r.code(), r.toString());
        assertTrue(r.out().contains("127.0.0.1:1"), r.out());
    }

    @Test
    void colourFollowsNoColorAndTheFlag() throws Exception {
        assertTrue(Style.decide(Style.Mode.AUTO, Map.of(), true).color());
        assertFalse(Style.decide(Style.Mode.AUTO, Map.of("NO_COLOR", "1"), true).color());
        assertTrue(Style.decide(Style.Mode.AUTO, Map.of("NO_COLOR", ""), true).color(), "an empty NO_COLOR does not count");
        assertFalse(Style.decide(Style.Mode.AUTO, Map.of("TERM", "dumb"), true).color());
        assertFalse(Style.decide(Style.Mode.AUTO, Map.of(), false).color(), "no colour into a pipe");
        assertTrue(Style.decide(Style.Mode.ALWAYS, Map.of("NO_COLOR", "1"), false).color());
        assertFalse(Style.decide(Style.Mode.NEVER, Map.of(), true).color());
        // the real process environment is read by the no-argument constructor
        String err = withEnvironmentVariable("NO_COLOR", "1").execute(() -> tapSystemErr(() -> new Nk().execute("connect", "-z", "127.0.0.1", "1")));
        assertFalse(err.contains("\u001b["), err);
        NkRun.Result forced = NkRun.run("--color=always", "connect", "-z", "127.0.0.1", "1");
        assertTrue(forced.out().contains("\u001b["), "--color=always colours the table: " + forced.out());
    }
}
