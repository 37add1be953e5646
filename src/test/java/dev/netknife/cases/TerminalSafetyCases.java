package dev.netknife.cases;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netknife.Nk;
import dev.netknife.support.Accept;
import dev.netknife.support.Background;
import dev.netknife.support.BlockingInput;
import dev.netknife.support.NkRun;
import dev.netknife.support.RawWsPeer;
import dev.netknife.term.Json;
import dev.netknife.term.Sanitizer;
import dev.netknife.term.Ttys;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Terminal safety: every piece of remote text nk prints to a terminal goes through the one
 * sanitiser ({@link Sanitizer}), so a peer cannot move the cursor, overwrite a line, retitle the
 * window, write the clipboard, plant a hyperlink or reorder what is read. Cases 0400-0439 pin the
 * exact output for each class of payload (C0, DEL, C1, CSI/OSC/DCS/APC/PM/SOS sequences, bidi
 * controls, invisible characters, separators, bad UTF-8, floods), through {@code clean},
 * {@code name}, {@code strip} (the chat relay), the terminal stream and JSON; cases 0440-0449
 * follow remote text end to end through chat, the chat client, ws, an error message quoting the
 * peer, monitor, http-get and connect, with stdout a terminal and not (data is data).
 */
@Timeout(10)
class TerminalSafetyCases {

    /** How a payload reaches the terminal. */
    enum Via { TEXT, NAME, STRIP, BYTES, JSON }

    private static final Ttys STDOUT_TERMINAL = new Ttys(false, true, false);

    static Stream<Arguments> payloads() {
        return Stream.of(
                row(400, "NUL", Via.TEXT, "a\u0000b", "a\\x00b"),
                row(401, "BEL", Via.TEXT, "a\u0007b", "a\\x07b"),
                row(402, "BS rubs nothing out", Via.TEXT, "abc\b\b\bXYZ", "abc\\x08\\x08\\x08XYZ"),
                row(403, "CR cannot overwrite: good\\rEVIL", Via.TEXT, "good\rEVIL", "good\\x0dEVIL"),
                row(404, "LF inside a nickname", Via.NAME, "ev\nil", "ev\\x0ail"),
                row(405, "VT", Via.TEXT, "a\u000bb", "a\\x0bb"),
                row(406, "FF", Via.TEXT, "a\u000cb", "a\\x0cb"),
                row(407, "ESC alone", Via.TEXT, "end\u001b", "end\\x1b"),
                row(408, "DEL", Via.TEXT, "a\u007fb", "a\\x7fb"),
                row(409, "C1 controls U+0080 to U+009F", Via.TEXT, "\u0080x\u0085y\u009f", "\\x80x\\x85y\\x9f"),
                row(410, "8-bit CSI U+009B", Via.TEXT, "\u009b2Jgone", "\\x9b2Jgone"),
                row(411, "8-bit OSC U+009D with 8-bit ST", Via.TEXT, "\u009d0;title\u009c", "\\x9d0;title\\x9c"),
                row(412, "ESC[2J clears no screen", Via.TEXT, "\u001b[2Jhi", "\\x1b[2Jhi"),
                row(413, "ESC[31m colours nothing", Via.TEXT, "\u001b[31mred\u001b[0m", "\\x1b[31mred\\x1b[0m"),
                row(414, "ESC[A moves no cursor", Via.TEXT, "\u001b[A\u001b[2Kover", "\\x1b[A\\x1b[2Kover"),
                row(415, "OSC 0 retitles no window", Via.TEXT, "\u001b]0;pwned\u0007", "\\x1b]0;pwned\\x07"),
                row(416, "OSC 52 writes no clipboard", Via.TEXT, "\u001b]52;c;cm0gLXJmIH4=\u0007", "\\x1b]52;c;cm0gLXJmIH4=\\x07"),
                row(417, "OSC 8 plants no hyperlink", Via.TEXT, "\u001b]8;;http://evil/\u001b\\click\u001b]8;;\u001b\\",
                        "\\x1b]8;;http://evil/\\x1b\\click\\x1b]8;;\\x1b\\"),
                row(418, "DCS ESC P ... ST", Via.TEXT, "\u001bP+q544e\u001b\\", "\\x1bP+q544e\\x1b\\"),
                row(419, "APC ESC _ ... ST", Via.TEXT, "\u001b_Gf=100;AAAA\u001b\\", "\\x1b_Gf=100;AAAA\\x1b\\"),
                row(420, "PM ESC ^ ... ST", Via.TEXT, "\u001b^private\u001b\\", "\\x1b^private\\x1b\\"),
                row(421, "SOS ESC X ... ST", Via.TEXT, "\u001bXstring\u001b\\", "\\x1bXstring\\x1b\\"),
                row(422, "bidi embeddings and overrides U+202A-U+202E", Via.TEXT, "a\u202a\u202b\u202c\u202d\u202eb",
                        "a\\u{202a}\\u{202b}\\u{202c}\\u{202d}\\u{202e}b"),
                row(423, "bidi isolates U+2066-U+2069", Via.TEXT, "x\u2066\u2067\u2068\u2069y", "x\\u{2066}\\u{2067}\\u{2068}\\u{2069}y"),
                row(424, "LRM, RLM and ALM", Via.TEXT, "1\u200e2\u200f3\u061c4", "1\\u{200e}2\\u{200f}3\\u{061c}4"),
                row(425, "zero-width space, word joiner and BOM escaped in text", Via.TEXT, "ad\u200bmin\u2060\ufeff",
                        "ad\\u{200b}min\\u{2060}\\u{feff}"),
                row(426, "ZWNJ and ZWJ kept in text (Persian, emoji sequences)", Via.TEXT, "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645 \ud83d\udc69\u200d\ud83d\udcbb",
                        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645 \ud83d\udc69\u200d\ud83d\udcbb"),
                row(427, "every zero-width character escaped in a nickname", Via.NAME, "a\u200bd\u200cm\u200di\u2060n\ufeff",
                        "a\\u{200b}d\\u{200c}m\\u{200d}i\\u{2060}n\\u{feff}"),
                row(428, "line and paragraph separators U+2028 U+2029", Via.TEXT, "one\u2028two\u2029three", "one\\u{2028}two\\u{2029}three"),
                row(429, "overlong UTF-8 C0 AF and E0 80 AF decode as U+FFFD", Via.BYTES,
                        chunks(bytes('a', 0xc0, 0xaf, 'b', 0xe0, 0x80, 0xaf, 'c')), "a\ufffd\ufffdb\ufffd\ufffd\ufffdc"),
                row(430, "an encoded surrogate ED A0 80 decodes as U+FFFD", Via.BYTES, chunks(bytes('a', 0xed, 0xa0, 0x80, 'b')), "a\ufffdb"),
                row(431, "a lone surrogate in text is escaped", Via.TEXT, "x\ud800y\udc00", "x\\u{d800}y\\u{dc00}"),
                row(432, "a 10 KiB run of ESC", Via.TEXT, "\u001b".repeat(10_240), "\\x1b".repeat(10_240)),
                row(433, "a combining-mark flood is left as it is (it stays in its cell)", Via.TEXT, "e" + "\u0301".repeat(500) + "!",
                        "e" + "\u0301".repeat(500) + "!"),
                row(434, "tab becomes a space", Via.TEXT, "col1\tcol2", "col1 col2"),
                row(435, "printable text of any script is untouched", Via.TEXT, "h\u00e9llo \u4e16\u754c \u0416 \ud83d\ude42 <a&b> \\x41",
                        "h\u00e9llo \u4e16\u754c \u0416 \ud83d\ude42 <a&b> \\x41"),
                row(436, "the chat relay removes sequences whole: CSI, OSC, DCS, SOS, PM, APC, 7- and 8-bit", Via.STRIP,
                        "a\u001b[1;31mb\u001b]0;t\u0007c\u001bP1\u001b\\d\u001bXs\u001b\\e\u001b^p\u001b\\f\u001b_x\u001b\\g\u009b2Jh\u009d0;t\u009ci\u001b7j",
                        "abcdefghij"),
                row(437, "the chat relay drops controls, bidi, separators and invisibles; a tab is a space", Via.STRIP,
                        "a\u0000\u0007\rb\u202e\u2066c\u2028\u200b\ufeffd\te\u007f\u0085", "abcd e"),
                row(438, "the terminal stream keeps CRLF and LF, escapes a lone CR, joins split CRLF and UTF-8", Via.BYTES,
                        chunks(utf8("one\r\ntwo\rEVIL\nthree\r"), utf8("\nx\r"), bytes(0xc3), bytes(0xa9, '\n')),
                        "one\r\ntwo\\x0dEVIL\nthree\r\nx\\x0d\u00e9\n"),
                row(439, "JSON escapes bidi controls, invisibles and lone surrogates (reversibly)", Via.JSON,
                        "a\u202eb\u200bc\u2028d\ud800e\ud83d\ude42\u001b", "{\"t\":\"a\\u202eb\\u200bc\\u2028d\\ud800e\ud83d\ude42\\u001b\"}"));
    }

    @ParameterizedTest(name = "case {0}: {1}")
    @MethodSource("payloads")
    void payloadIsShownNotObeyed(int number, String what, Via via, Object remote, String expected) throws IOException {
        String shown = switch (via) {
            case TEXT -> Sanitizer.clean((String) remote);
            case NAME -> Sanitizer.name((String) remote);
            case STRIP -> Sanitizer.strip((String) remote);
            case JSON -> Json.object().put("t", (String) remote).toString();
            case BYTES -> {
                ByteArrayOutputStream terminal = new ByteArrayOutputStream();
                OutputStream out = Sanitizer.terminal(terminal);
                for (byte[] chunk : (byte[][]) remote) {
                    out.write(chunk, 0, chunk.length);
                    out.flush();
                }
                yield terminal.toString(StandardCharsets.UTF_8);
            }
        };
        assertEquals(expected, shown, what);
        if (via == Via.TEXT || via == Via.NAME) {
            assertEquals(shown, Sanitizer.clean(shown), "cleaning twice changes nothing");
        }
    }

    @Test
    void case0440ChatNicknameAndMessageFromARawClientReachOthersStripped() throws Exception {
        try (Background server = Background.start("chat", "serve", "0");
             Peer victim = new Peer(new Socket("127.0.0.1", server.port()));
             Peer mallory = new Peer(new Socket("127.0.0.1", server.port()))) {
            victim.say("victim");
            victim.await("* you are victim");
            mallory.say("mal\u001b[2Jlo\u202ery");
            assertEquals("* you are mallory; 1 other(s) here; /help lists the commands", mallory.await("* you are"));
            assertEquals("* mallory joined", victim.await("* mallory"));
            mallory.say("hi\u001b]0;pwned\u0007 \u001b[31mthere\u2028\u200b\u0008!\u202e");
            mallory.say("/nick \u0430dmin"); // a Cyrillic a: refused, nicknames are ASCII
            assertEquals("* nicknames are 1 to 32 letters, digits, - or _", mallory.await("* nicknames"));
            mallory.say("/nick ad\u200bmin"); // the invisible character goes, so no name differs only invisibly
            assertEquals("<mallory> hi there!", victim.await("<"));
            assertEquals("* mallory is now admin", victim.await("* mallory"));
        }
    }

    @Test
    void case0441ChatClientShowsAHostileServersLinesCleanedAndNicknamesWithInvisiblesEscaped() throws Exception {
        try (ServerSocket listener = listen()) {
            Accept.once(listener, client -> {
                new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8)).readLine(); // the nickname
                client.getOutputStream().write(utf8("<ad\u200dmin> hi\u001b]0;pwned\u0007\u001b[2J\n"
                        + "* bob joined\u202e\u2066\n" + "[private] <x\u200by> psst\u009b31m\n"));
                client.getOutputStream().flush();
            });
            NkRun.Result r = runOn(STDOUT_TERMINAL, new ByteArrayInputStream(new byte[0]), "chat", "--color=never", "--nick", "alice",
                    "127.0.0.1", String.valueOf(listener.getLocalPort()));
            assertEquals(0, r.code(), r.toString());
            assertEquals("<ad\\u{200d}min> hi\\x1b]0;pwned\\x07\\x1b[2J\n* bob joined\\u{202e}\\u{2066}\n[private] <x\\u{200b}y> psst\\x9b31m\n",
                    r.out());
        }
    }

    @Test
    void case0442WsClientOnATerminalShowsATextMessageCleaned() throws Exception {
        try (ServerSocket listener = listen()) {
            Accept.once(listener, client -> {
                RawWsPeer.serverHandshake(client);
                frame(client.getOutputStream(), 0x1, utf8("a\u001b]0;pwned\u0007b\rc\u202ed\u001b[2J"));
                client.getInputStream().read();
            });
            NkRun.Result r = runOn(STDOUT_TERMINAL, new ByteArrayInputStream(new byte[0]), "ws", "--count", "1",
                    "ws://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals(0, r.code(), r.toString());
            assertEquals("a\\x1b]0;pwned\\x07b\\x0dc\\u{202e}d\\x1b[2J\n", r.out());
        }
    }

    @Test
    void case0443WsClientIntoAPipeWritesTheMessageBytesUnchanged() throws Exception {
        byte[] payload = utf8("a\u001b]0;pwned\u0007b\rc\u202ed\u001b[2J\u0000\u0085");
        try (ServerSocket listener = listen()) {
            Accept.once(listener, client -> {
                RawWsPeer.serverHandshake(client);
                frame(client.getOutputStream(), 0x1, payload);
                client.getInputStream().read();
            });
            NkRun.Result r = runOn(Ttys.NONE, new ByteArrayInputStream(new byte[0]), "ws", "--count", "1",
                    "ws://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals(0, r.code(), r.toString());
            byte[] expected = new byte[payload.length + 1];
            System.arraycopy(payload, 0, expected, 0, payload.length);
            expected[payload.length] = '\n';
            assertArrayEquals(expected, r.stdout(), "data is data when stdout is not a terminal");
        }
    }

    @Test
    void case0444WsCloseReasonQuotedInTheErrorIsCleaned() throws Exception {
        try (ServerSocket listener = listen(); BlockingInput stdin = new BlockingInput()) {
            Accept.once(listener, client -> {
                RawWsPeer.serverHandshake(client);
                byte[] reason = utf8("bye\u001b]0;pwned\u0007\n\u202e");
                byte[] close = new byte[2 + reason.length];
                close[0] = (byte) (4001 >> 8);
                close[1] = (byte) (4001 & 0xff);
                System.arraycopy(reason, 0, close, 2, reason.length);
                frame(client.getOutputStream(), 0x8, close);
                client.getInputStream().read();
            });
            NkRun.Result r = runOn(Ttys.NONE, stdin, "ws", "ws://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals(6, r.code(), r.toString());
            assertEquals("nk: ws: the server closed with 4001 (bye\\x1b]0;pwned\\x07\\x0a\\u{202e})\n", r.stderr());
        }
    }

    @Test
    void case0445HttpGetErrorQuotingABadStatusLineIsCleaned() throws Exception {
        try (ServerSocket listener = listen()) {
            Accept.once(listener, client -> {
                RawWsPeer.readHead(client.getInputStream());
                client.getOutputStream().write(utf8("HTTP/1.1 2\u001b[2J0 O\u009dK\u0007\u202e\r\n\r\n"));
                client.getOutputStream().flush();
            });
            NkRun.Result r = runOn(Ttys.NONE, new ByteArrayInputStream(new byte[0]), "http-get", "http://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals(6, r.code(), r.toString());
            // the head is read as ISO-8859-1: the UTF-8 of U+009D shows as \u00c2 and an escaped C1 byte, U+202E's bytes reorder nothing
            assertEquals("nk: http-get: bad status code in: 'HTTP/1.1 2\\x1b[2J0 O\u00c2\\x9dK\\x07\u00e2\\x80\u00ae' (127.0.0.1:"
                    + listener.getLocalPort() + ")\n", r.stderr());
            assertEquals("", r.out());
        }
    }

    @Test
    void case0446MonitorQuotesAGarbledStatusLineCleaned() throws Exception {
        try (ServerSocket listener = listen()) {
            Accept.once(listener, client -> {
                RawWsPeer.readHead(client.getInputStream());
                client.getOutputStream().write(utf8("HTTP/1.1 abc \u001b]0;pwned\u0007\u001b[2J\r\n\r\n"));
                client.getOutputStream().flush();
            });
            String target = "http://127.0.0.1:" + listener.getLocalPort() + "/";
            NkRun.Result r = runOn(STDOUT_TERMINAL, new ByteArrayInputStream(new byte[0]), "monitor", "--once", "--color=never", target);
            assertEquals(7, r.code(), r.toString());
            assertEquals(String.format("%-40s %s %8s  %s%n", target, "down", "-",
                    "bad status code in: 'HTTP/1.1 abc \\x1b]0;pwned\\x07\\x1b[2J' (127.0.0.1:" + listener.getLocalPort() + ")"), r.out());
        }
    }

    @Test
    void case0447ConnectOnATerminalShowsThePeersBytesCleanedKeepingLineEnds() throws Exception {
        try (ServerSocket listener = listen()) {
            Accept.once(listener, client -> {
                OutputStream out = client.getOutputStream();
                out.write(utf8("login: \u001b]0;owned\u0007\r\ngood\rEVIL\u009b2J\n"));
                out.write(bytes(0xff, '\n'));
                out.flush();
            });
            NkRun.Result r = runOn(STDOUT_TERMINAL, new ByteArrayInputStream(new byte[0]), "connect", "127.0.0.1",
                    String.valueOf(listener.getLocalPort()));
            assertEquals(0, r.code(), r.toString());
            assertEquals("login: \\x1b]0;owned\\x07\r\ngood\\x0dEVIL\\x9b2J\n\ufffd\n", r.out());
        }
    }

    @Test
    void case0448ConnectIntoAPipePassesEveryByteUnchanged() throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        try (ServerSocket listener = listen()) {
            Accept.once(listener, client -> {
                client.getOutputStream().write(all);
                client.getOutputStream().flush();
            });
            NkRun.Result r = runOn(Ttys.NONE, new ByteArrayInputStream(new byte[0]), "connect", "127.0.0.1", String.valueOf(listener.getLocalPort()));
            assertEquals(0, r.code(), r.toString());
            assertArrayEquals(all, r.stdout(), "data is data when stdout is not a terminal");
        }
    }

    @Test
    void case0449HttpGetBodyOnATerminalIsCleaned() throws Exception {
        byte[] body = utf8("hi\u001b]0;pwned\u0007\r\nbye\rEVIL\u202e\n");
        try (ServerSocket listener = listen()) {
            Accept.once(listener, client -> {
                RawWsPeer.readHead(client.getInputStream());
                OutputStream out = client.getOutputStream();
                out.write(utf8("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n"));
                out.write(body);
                out.flush();
            });
            NkRun.Result r = runOn(STDOUT_TERMINAL, new ByteArrayInputStream(new byte[0]), "http-get", "http://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals(0, r.code(), r.toString());
            assertEquals("hi\\x1b]0;pwned\\x07\r\nbye\\x0dEVIL\\u{202e}\n", r.out());
        }
    }

    private static Arguments row(int number, String what, Via via, Object remote, String expected) {
        return Arguments.of(number, what, via, remote, expected);
    }

    /** nk in-process as NkRun does, but with the terminals given (NkRun says none). */
    static NkRun.Result runOn(Ttys ttys, InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code = new Nk(stdin, o, e, Map.of(), ttys).execute(args);
        o.flush();
        e.flush();
        return new NkRun.Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    private static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    /** A chat participant on a plain socket, as an nc user is. */
    private record Peer(Socket socket, BufferedReader in) implements AutoCloseable {
        Peer(Socket socket) throws IOException {
            this(socket, new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)));
            socket.setSoTimeout(5000);
        }

        void say(String line) throws IOException {
            socket.getOutputStream().write(utf8(line + "\n"));
            socket.getOutputStream().flush();
        }

        /** Reads until a line starting with {@code prefix}; returns it. */
        String await(String prefix) throws IOException {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError("closed before a line starting with " + prefix);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** One unmasked final frame, as a server sends it (payloads under 126 bytes). */
    private static void frame(OutputStream out, int opcode, byte[] payload) throws IOException {
        out.write(0x80 | opcode);
        out.write(payload.length);
        out.write(payload);
        out.flush();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[][] chunks(byte[]... chunks) {
        return chunks;
    }
}
