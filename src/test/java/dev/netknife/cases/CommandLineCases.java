package dev.netknife.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.Nk;
import dev.netknife.support.Accept;
import dev.netknife.support.NkRun;
import dev.netknife.term.Ttys;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command line: bad options and arguments for the root and every subcommand (unknown
 * options, missing arguments, bad ports, durations, rates, counts, regexes, URLs, endpoints,
 * weights, strategies, unreadable files, options that exclude or need each other) end in exit 2
 * with exactly one line on stderr, {@code nk: COMMAND: message}, nothing on stdout and no stack
 * trace, before anything is bound or dialled; an argument with control characters is quoted
 * cleaned. Cases 0700-0753.
 */
class CommandLineCases {

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                // the root
                row(700, "nk: Unknown option: '--frob' (see 'nk --help')", "--frob"),
                row(701, "nk: unknown command 'frobnicate' (see 'nk --help')", "frobnicate"),
                row(702, "nk: unknown command '\\x1b]0;pwned\\x07' (see 'nk --help')", "\u001b]0;pwned\u0007"),
                // echo-server
                row(703, "nk: echo-server: Missing required parameter: 'PORT' (see 'nk echo-server --help')", "echo-server"),
                row(704, "nk: echo-server: bad port '65536': expected a number from 0 to 65535", "echo-server", "65536"),
                row(705, "nk: echo-server: bad port '-1': expected a number from 0 to 65535", "echo-server", "-1"),
                row(706, "nk: echo-server: --idle-timeout: bad duration '5x': expected e.g. 250ms, 3s, 2m, 1h or seconds",
                        "echo-server", "--idle-timeout", "5x", "0"),
                row(707, "nk: echo-server: --rate: bad rate '5/x': expected N, N/s or N/m (N at least 1)", "echo-server", "--rate", "5/x", "0"),
                row(708, "nk: echo-server: --cert: cannot read /nonexistent/cert.pem", "echo-server", "--tls", "--cert", "/nonexistent/cert.pem", "0"),
                // connect
                row(709, "nk: connect: bad address 'h:1:2': write IPv6 addresses as [v6addr]:PORT", "connect", "h:1:2"),
                row(710, "nk: connect: bad port 'abc': expected a number from 0 to 65535", "connect", "127.0.0.1", "abc"),
                row(711, "nk: connect: --connect-timeout must be more than 0", "connect", "--connect-timeout", "0", "127.0.0.1", "1"),
                row(712, "nk: connect: TLS options need --tls", "connect", "--cacert", "/nonexistent/ca.pem", "127.0.0.1", "1"),
                row(713, "nk: connect: bad host 'h\\x1b[2J': unexpected character '\\x1b'", "connect", "h\u001b[2J", "1"),
                // udp
                row(714, "nk: udp: --count: bad number '0': expected 1 to 2147483647", "udp", "--count", "0", "127.0.0.1", "1"),
                row(715, "nk: udp: --timeout: bad duration '5x': expected e.g. 250ms, 3s, 2m, 1h or seconds", "udp", "--timeout", "5x", "127.0.0.1", "1"),
                row(716, "nk: udp: bad regular expression '(': Unclosed group", "udp", "--expect", "(", "127.0.0.1", "1"),
                row(717, "nk: udp: --send is for the client; drop --listen", "udp", "--listen", "--send", "x", "0"),
                row(718, "nk: udp: --echo needs --listen", "udp", "--echo", "127.0.0.1", "1"),
                // ws
                row(719, "nk: ws: bad URL 'ftp://h/': unsupported scheme 'ftp' (ws and wss are)", "ws", "ftp://h/"),
                row(720, "nk: ws: --close-code 1005 may not be sent (RFC 6455 7.4: 1000-1003, 1007-1014, 3000-4999)",
                        "ws", "--close-code", "1005", "ws://127.0.0.1:1/"),
                row(721, "nk: ws: --send and --binary exclude each other", "ws", "--send", "a", "--binary", "ws://127.0.0.1:1/"),
                row(722, "nk: ws: bad header 'NoColon': expected 'Name: value'", "ws", "-H", "NoColon", "ws://127.0.0.1:1/"),
                row(723, "nk: ws: TLS options need a wss:// URL", "ws", "--cacert", "/nonexistent/ca.pem", "ws://127.0.0.1:1/"),
                row(724, "nk: ws: --ping: bad duration '5x': expected e.g. 250ms, 3s, 2m, 1h or seconds", "ws", "--ping", "5x", "ws://127.0.0.1:1/"),
                // chat
                row(725, "nk: chat: Missing required parameters: 'HOST|serve', 'PORT' (see 'nk chat --help')", "chat"),
                row(726, "nk: chat: --nick is for the client", "chat", "serve", "--nick", "a", "0"),
                row(727, "nk: chat: --history is for 'nk chat serve'", "chat", "--history", "5", "127.0.0.1", "1"),
                row(728, "nk: chat: --nick: bad nickname 'a b': expected 1 to 32 letters, digits, - or _", "chat", "--nick", "a b", "127.0.0.1", "1"),
                row(729, "nk: chat: --nick: bad nickname 'ev\\x0ail': expected 1 to 32 letters, digits, - or _",
                        "chat", "--nick", "ev\nil", "127.0.0.1", "1"),
                // balance
                row(730, "nk: balance: bad weight in backend '127.0.0.1:1=0' (1 to 1000)", "balance", "0", "127.0.0.1:1=0"),
                row(731, "nk: balance: bad weight in backend '127.0.0.1:1=abc' (1 to 1000)", "balance", "0", "127.0.0.1:1=abc"),
                row(732, "nk: balance: bad address 'h:1:2': write IPv6 addresses as [v6addr]:PORT", "balance", "0", "h:1:2"),
                row(733, "nk: balance: --strategy: unknown 'fastest' (round-robin, least-conn or random)",
                        "balance", "--strategy", "fastest", "0", "127.0.0.1:1"),
                row(734, "nk: balance: --rise needs --health-interval", "balance", "--rise", "2", "0", "127.0.0.1:1"),
                row(735, "nk: balance: --health-http: bad path 'healthz': expected /PATH",
                        "balance", "--health-interval", "1s", "--health-http", "healthz", "0", "127.0.0.1:1"),
                row(736, "nk: balance: --stats: bad port '70000': expected a number from 0 to 65535", "balance", "--stats", "70000", "0", "127.0.0.1:1"),
                // monitor
                row(737, "nk: monitor: --once and --wait exclude each other", "monitor", "--once", "--wait", "127.0.0.1:1"),
                row(738, "nk: monitor: --max-wait needs --wait", "monitor", "--max-wait", "2m", "127.0.0.1:1"),
                row(739, "nk: monitor: udp:// targets need --send (and usually --expect)", "monitor", "--once", "udp://127.0.0.1:1"),
                row(740, "nk: monitor: --cacert: cannot read /nonexistent/ca.pem", "monitor", "--once", "--cacert", "/nonexistent/ca.pem",
                        "tls://127.0.0.1:1"),
                row(741, "nk: monitor: --timeout must be more than 0", "monitor", "--once", "--timeout", "0", "127.0.0.1:1"),
                row(742, "nk: monitor: --metrics is for watch mode (without --once or --wait)", "monitor", "--once", "--metrics", "0", "127.0.0.1:1"),
                row(743, "nk: monitor: cannot read the targets file /nonexistent/targets.txt", "monitor", "--once", "@/nonexistent/targets.txt"),
                // http-get
                row(744, "nk: http-get: bad URL 'ftp://h/': unsupported scheme 'ftp' (http and https are)", "http-get", "ftp://h/"),
                row(745, "nk: http-get: -o and -O exclude each other", "http-get", "-o", "a", "-O", "http://127.0.0.1:1/"),
                row(746, "nk: http-get: --max-time: bad duration '5x': expected e.g. 250ms, 3s, 2m, 1h or seconds",
                        "http-get", "--max-time", "5x", "http://127.0.0.1:1/"),
                // tls-get
                row(747, "nk: tls-get: bad address 'h:1:2': write IPv6 addresses as [v6addr]:PORT", "tls-get", "h:1:2"),
                // added after the first round: a colon host with a separate port was looked up in DNS (exit 3), a range without an end said "bad port ''"
                row(750, "nk: connect: bad address 'h:1': give the port once, as HOST PORT or HOST:PORT", "connect", "h:1", "2"),
                row(751, "nk: connect: bad port range '1-': expected FROM-TO", "connect", "-z", "h", "1-"),
                // an unknown option: named alone (not with the arguments its value pushed out), with what it may have meant
                row(752, "nk: udp: Unknown option: '--idle-timeout' (see 'nk udp --help')", "udp", "--idle-timeout", "1s", "127.0.0.1", "1"),
                row(753, "nk: http-get: Unknown option: '--locaton'; did you mean --location or --local-port? (see 'nk http-get --help')",
                        "http-get", "--locaton", "http://127.0.0.1:1/"),
                row(754, "nk: ws: --ping-timeout needs --ping", "ws", "--ping-timeout", "3s", "ws://127.0.0.1:1/"),
                row(755, "nk: ws: --ping-timeout is for the client; drop --listen", "ws", "--listen", "--ping-timeout", "3s", "0"),
                // sizes: digits with K, M or G (binary), like curl's
                row(756, "nk: ws: --max-message: bad size '2G': expected 1 to 2147483639 bytes (or with K, M, G)", "ws", "--max-message", "2G",
                        "ws://127.0.0.1:1/"),
                row(757, "nk: chat: --max-line: bad size '1T': expected 16 to 1048576 bytes (or with K, M, G)", "chat", "serve", "--max-line", "1T", "0"),
                row(758, "nk: udp: --max-datagram: bad size '64 KB x': expected 0 to 65507 bytes (or with K, M, G)", "udp", "--listen",
                        "--max-datagram", "64 KB x", "0"),
                // values that would break the upgrade request
                row(759, "nk: ws: --subprotocol 'a b' is not a token (no spaces, quotes or separators)", "ws", "--subprotocol", "x,a b",
                        "ws://127.0.0.1:1/"),
                row(760, "nk: ws: --origin may not hold control characters or line breaks", "ws", "--origin", "http://a\r\nX-Injected: y",
                        "ws://127.0.0.1:1/"),
                row(761, "nk: tls-get: --tls-max 1.1 is below the default minimum, TLS 1.2; give --tls-min too (older versions are insecure)",
                        "tls-get", "--tls-max", "1.1", "127.0.0.1:1"));
    }

    @ParameterizedTest(name = "case {0}: {1}")
    @MethodSource("badCommandLines")
    void badCommandLineIsOneLineAndExit2(int number, String shown, String[] args, String message) {
        // a command line that wrongly passed validation would start a server: bounded, so the case fails instead of hanging
        NkRun.Result r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> NkRun.run(args));
        assertEquals(2, r.code(), r.toString());
        assertEquals(message + System.lineSeparator(), r.stderr());
        assertEquals("", r.out());
    }

    @Test
    void case0748ChatTurnsUserIntoAValidNicknameInsteadOfSendingItsLineBreak() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> firstLine = new CompletableFuture<>();
            Accept.once(listener, client -> firstLine.complete(
                    new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8)).readLine()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = new Nk(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("USER", "first.last\n/quit"), Ttys.NONE)
                    .execute("chat", "127.0.0.1", String.valueOf(listener.getLocalPort()));
            // the peer reads the nickname and closes without a word: not a chat server (exit 6 since issue 21)
            assertEquals(6, code, err.toString(StandardCharsets.UTF_8));
            assertEquals("first_last__quit", firstLine.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void case0749StackTraceOnlyWithVerboseAndItsMessagesCleaned() {
        NkRun.Result quiet = NkRun.run("connect", "h\u001b]0;x\u0007", "1");
        assertEquals(2, quiet.code());
        assertFalse(quiet.stderr().contains("\tat "), quiet.stderr());
        NkRun.Result verbose = NkRun.run("-v", "connect", "h\u001b]0;x\u0007", "1");
        assertEquals(2, verbose.code());
        assertTrue(verbose.stderr().startsWith("nk: connect: bad host 'h\\x1b]0;x\\x07': unexpected character '\\x1b'\n"), verbose.stderr());
        assertTrue(verbose.stderr().contains("\tat dev.netknife"), verbose.stderr());
        assertFalse(verbose.stderr().chars().anyMatch(c -> c == 0x1b || c == 0x07), "no control character reaches stderr: " + verbose.stderr());
    }

    private static Arguments row(int number, String message, String... args) {
        return Arguments.of(number, "nk " + String.join(" ", args).replace("\u001b", "ESC").replace("\u0007", "BEL").replace("\n", "\\n"),
                args, message);
    }
}
