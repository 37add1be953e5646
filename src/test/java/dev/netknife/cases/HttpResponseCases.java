package dev.netknife.cases;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.NkRun;
import dev.netknife.support.ScriptedHttpServer;
import dev.netknife.support.ScriptedHttpServer.After;
import dev.netknife.support.ScriptedHttpServer.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How {@code nk http-get} reads what a server sends back, from a hand-written server that writes
 * raw bytes and then closes or stalls: message framing (Content-Length, Transfer-Encoding and
 * chunked coding with its sizes, extensions and trailers), line endings, header syntax, size
 * limits, interim responses, extra bytes, and a connection that ends at every stage. A response
 * nk cannot take is exit 6 with one line naming why, and with {@code -o} leaves no file at all
 * (not a truncated one, not a temporary one). Cases 0200-0239; 0240-0288: obfuscated framing (control characters
 * around and inside chunked, Content-Length and chunk sizes; a bare LF that splits a framing field off a CRLF line).
 */
class HttpResponseCases {
    @TempDir
    Path dir;

    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

    /** nk's first run in this JVM loads its classes (about a second here): not the cost of any one case. */
    @BeforeAll
    static void warmUp() throws Exception {
        try (ScriptedHttpServer server = ScriptedHttpServer.start(r -> Reply.keep("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))) {
            assertEquals(0, NkRun.run("http-get", server.url("/")).code());
        }
    }

    /** What nk did: exit code, stdout, stderr with the server's port as PORT, and the files it left. */
    private record Outcome(int code, byte[] stdout, String stderr, List<String> files, long millis) {
    }

    /** One request to a server that answers {@code raw} and then does {@code after}; the body goes to -o DIR/body.bin. */
    private Outcome fetch(String raw, After after, String... options) throws Exception {
        try (ScriptedHttpServer server = ScriptedHttpServer.start(r -> new Reply(raw.getBytes(StandardCharsets.ISO_8859_1), after))) {
            List<String> args = new ArrayList<>(List.of("http-get", "--idle-timeout", "5s", "-o", dir.resolve("body.bin").toString()));
            args.addAll(List.of(options));
            args.add(server.url("/x"));
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run(args.toArray(String[]::new));
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Outcome(r.code(), r.stdout(), r.stderr().replace("127.0.0.1:" + server.port(), "127.0.0.1:PORT"), files(), millis);
        }
    }

    private List<String> files() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private byte[] body() throws IOException {
        return Files.readAllBytes(dir.resolve("body.bin"));
    }

    private static void assertBody(String expected, byte[] actual) {
        assertEquals(expected, new String(actual, StandardCharsets.ISO_8859_1));
    }

    @Test
    void case0200TwoEqualContentLengthsAreOneAsCurlAndRfc9110Allow() throws Exception {
        Outcome o = fetch("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc", After.STALL);
        assertEquals(0, o.code(), o.stderr());
        assertEquals("", o.stderr());
        assertBody("abc", body());
        assertEquals(List.of("body.bin"), o.files());
    }

    @Test
    void case0201ChunkExtensionsAreCheckedAndIgnored() throws Exception {
        Outcome o = fetch(CHUNKED + "5;name=value ; flag;q=\"a;b\\\"c\"\r\nhello\r\n6 ;x=y\r\n world\r\n0;last\r\n\r\n", After.STALL);
        assertEquals(0, o.code(), o.stderr());
        assertBody("hello world", body());
    }

    @Test
    void case0202AFoldedHeaderLineIsJoinedWithASpaceAsRfc9112AsksOfAUserAgent() throws Exception {
        Outcome o = fetch("HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\n\tagain\r\nContent-Length: 3\r\n\r\nabc", After.STALL, "-i");
        assertEquals(0, o.code(), o.stderr());
        assertBody("abc", body());
        assertEquals("HTTP/1.1 200 OK\r\nX-A: 1 folded again\r\nContent-Length: 3\r\n\r\n", new String(o.stdout(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void case0203BareLfLineEndsAreAcceptedEverywhere() throws Exception {
        Outcome o = fetch("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nX-A: 1\n\n5\nhello\n6\n world\n0\nX-Trailer: t\n\n", After.STALL);
        assertEquals(0, o.code(), o.stderr());
        assertBody("hello world", body());
    }

    @Test
    void case0204InterimResponsesThenTheFinalOne() throws Exception {
        Outcome o = fetch("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", After.STALL, "-i");
        assertEquals(0, o.code(), o.stderr());
        assertBody("ok", body());
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", new String(o.stdout(), StandardCharsets.ISO_8859_1),
                "-i shows the final head only");
    }

    @Test
    void case0205ABodyLongerThanContentLengthIsCutAtTheLength() throws Exception {
        Outcome o = fetch("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA BYTES", After.STALL);
        assertEquals(0, o.code(), o.stderr());
        assertBody("hello", body());
        assertTrue(o.millis() < 2_000, "done at the length, without waiting for the close: " + o.millis() + " ms");
    }

    @Test
    void case0206AfterExtraBytesTheNextUrlGoesOverAFreshConnection() throws Exception {
        // /1: the extra bytes come in the same read as the response; /2: the body is larger than
        // nk's buffer, so they are still in the socket when the body ends
        String big = "b".repeat(100_000);
        try (ScriptedHttpServer server = ScriptedHttpServer.start(r -> switch (r.requestLine()) {
            case "GET /1 HTTP/1.1" -> Reply.keep("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nxyz");
            case "GET /2 HTTP/1.1" -> Reply.keep("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + big + "HTTP/1.1 200 OK\r\n\r\n");
            default -> Reply.keep("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nend");
        })) {
            NkRun.Result r = NkRun.run("http-get", server.url("/1"), server.url("/2"), server.url("/3"));
            assertEquals(0, r.code(), r.stderr());
            assertEquals("abc" + big + "end", r.out(), "the extra bytes are never read as the next response");
            assertEquals(3, server.connectionsMade());
            assertEquals(List.of(1, 2, 3), server.requests().stream().map(ScriptedHttpServer.Request::connection).toList());
        }
    }

    @Test
    void case0207Http10BodyUntilTheCloseIsComplete() throws Exception {
        byte[] payload = new byte[100_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        String raw = "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n" + new String(payload, StandardCharsets.ISO_8859_1);
        Outcome o = fetch(raw, After.CLOSE);
        assertEquals(0, o.code(), o.stderr());
        assertArrayEquals(payload, body());
        assertEquals(List.of("body.bin"), o.files());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                row("0208", "two Content-Length values that disagree", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                        After.STALL, "conflicting Content-Length values"),
                row("0209", "Content-Length with chunked is refused (curl lets chunked win; RFC 9112 6.3 calls it an error to handle)",
                        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", After.STALL,
                        "the response has both Transfer-Encoding and Content-Length (RFC 9112 6.1)"),
                row("0210", "Transfer-Encoding: chunked, x", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, x\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                        After.STALL, "Transfer-Encoding does not end in chunked: 'chunked, x'"),
                row("0211", "Transfer-Encoding: x, chunked (a coding nk never asked for)",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: x, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", After.STALL,
                        "unsupported transfer coding 'x' (nk accepts chunked only)"),
                row("0212", "Transfer-Encoding: gzip without chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc", After.STALL,
                        "Transfer-Encoding does not end in chunked: 'gzip'"),
                row("0213", "chunked twice, in two header lines",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", After.STALL,
                        "chunked applied more than once"),
                row("0214", "a chunk size that overflows 64 bits", CHUNKED + "ffffffffffffffffff\r\nabc\r\n0\r\n\r\n", After.STALL,
                        "bad chunk size 'ffffffffffffffffff'"),
                row("0215", "a negative chunk size", CHUNKED + "-5\r\nhello\r\n0\r\n\r\n", After.STALL, "bad chunk size '-5'"),
                row("0216", "a chunk size with a 0x prefix", CHUNKED + "0x5\r\nhello\r\n0\r\n\r\n", After.STALL, "bad chunk size '0x5'"),
                row("0217", "a chunk extension without a name", CHUNKED + "5;=v\r\nhello\r\n0\r\n\r\n", After.STALL, "bad chunk extension ';=v'"),
                row("0218", "a chunk size line over 4 KiB", CHUNKED + "5;n=" + "v".repeat(5000) + "\r\nhello\r\n0\r\n\r\n", After.STALL,
                        "the response chunk size line is larger than the limit of 4 KiB"),
                row("0219", "no CRLF after a chunk's data", CHUNKED + "3\r\nabcXX0\r\n\r\n", After.STALL, "missing CRLF after a chunk"),
                row("0220", "a folded line before the first header field", "HTTP/1.1 200 OK\r\n folded\r\nContent-Length: 0\r\n\r\n", After.STALL,
                        "a line starting with whitespace before the first field of the response header block (RFC 9112 2.2)"),
                row("0221", "bare CR line ends (refused at once, not when the server closes)", "HTTP/1.1 200 OK\rContent-Length: 3\r\rabc",
                        After.STALL, "bare CR in the response status line"),
                row("0222", "a NUL in a header value", "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 0\r\n\r\n", After.STALL,
                        "NUL byte in the response header block"),
                row("0223", "a NUL in a header name", "HTTP/1.1 200 OK\r\nX-\0A: 1\r\nContent-Length: 0\r\n\r\n", After.STALL,
                        "NUL byte in the response header block"),
                row("0224", "whitespace between a header name and its colon", "HTTP/1.1 200 OK\r\nContent-Length : 3\r\n\r\nabc", After.STALL,
                        "bad header name: 'Content-Length '"),
                row("0225", "a status line over 64 KiB", "HTTP/1.1 200 " + "O".repeat(70_000) + "\r\nContent-Length: 0\r\n\r\n", After.STALL,
                        "the response status line is larger than the limit of 64 KiB"),
                row("0226", "a header block over 64 KiB", "HTTP/1.1 200 OK\r\n" + ("X-Big: " + "a".repeat(1000) + "\r\n").repeat(70) + "\r\n",
                        After.STALL, "the response header block is larger than the limit of 64 KiB"),
                row("0227", "1,000 interim responses (nk takes 20)", "HTTP/1.1 100 Continue\r\n\r\n".repeat(1000)
                        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", After.STALL, "more than 20 interim (1xx) responses"),
                row("0228", "101 Switching Protocols to a GET", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n",
                        After.STALL, "the server switched protocols (101), which http-get does not speak"),
                row("0229", "a four-digit status code", "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", After.STALL,
                        "bad status code in: 'HTTP/1.1 2000 OK'"),
                row("0230", "a negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", After.STALL, "bad Content-Length '-1'"),
                row("0231", "a close before the status line", "", After.CLOSE, "the server closed the connection without a response"),
                row("0232", "a close in the middle of the status line", "HTTP/1.1 20", After.CLOSE,
                        "the connection closed in the middle of the response status line"),
                row("0233", "a close in the middle of the headers", "HTTP/1.1 200 OK\r\nContent-Len", After.CLOSE,
                        "the connection closed in the middle of the response header block"),
                row("0234", "a close in the middle of a Content-Length body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", After.CLOSE,
                        "the server closed the connection with 5 bytes of the body still to come"),
                row("0235", "a close in the middle of a chunk size line", CHUNKED + "5", After.CLOSE,
                        "the connection closed in the middle of the response chunk size line"),
                row("0236", "a close in the middle of a chunk's data", CHUNKED + "5\r\nhel", After.CLOSE,
                        "the server closed the connection in the middle of a chunk"),
                row("0237", "a close between a chunk's data and its CRLF", CHUNKED + "5\r\nhello", After.CLOSE,
                        "the server closed the connection before the CRLF that ends a chunk"),
                row("0238", "a close before the last chunk", CHUNKED + "5\r\nhello\r\n", After.CLOSE,
                        "the server closed the connection before the last chunk"),
                row("0239", "a close in the middle of the trailers", CHUNKED + "5\r\nhello\r\n0\r\nX-Trailer: 1\r\n", After.CLOSE,
                        "the connection closed in the middle of the response trailer section"));
    }

    /**
     * The obfuscated-framing family: a control character other than SP and HTAB before, inside or after
     * the value that frames the body, where a parser that trims with a wider notion of whitespace (or
     * none) frames the same bytes differently. Every one is refused, none is taken as chunked or as a length.
     */
    static Stream<Arguments> obfuscatedFraming() {
        char[] controls = {0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x1f, 0x7f};
        List<Arguments> rows = new ArrayList<>();
        int number = 240;
        for (char c : controls) {
            String hex = String.format("0x%02X", (int) c);
            String te = "control character " + hex + " in the value of the 'Transfer-Encoding' field";
            String cl = "control character " + hex + " in the value of the 'Content-Length' field";
            String body = "\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
            rows.add(row(String.format("%04d", number++), hex + " before chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: " + c + "chunked" + body,
                    After.STALL, te));
            rows.add(row(String.format("%04d", number++), hex + " after chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked" + c + body,
                    After.STALL, te));
            rows.add(row(String.format("%04d", number++), hex + " inside chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chun" + c + "ked" + body,
                    After.STALL, te));
            rows.add(row(String.format("%04d", number++), hex + " before the Content-Length digits",
                    "HTTP/1.1 200 OK\r\nContent-Length: " + c + "5\r\n\r\nhello", After.STALL, cl));
            rows.add(row(String.format("%04d", number++), hex + " inside the Content-Length digits",
                    "HTTP/1.1 200 OK\r\nContent-Length: 1" + c + "5\r\n\r\nhello", After.STALL, cl));
            rows.add(row(String.format("%04d", number++), hex + " after a chunk size", CHUNKED + "5" + c + "\r\nhello\r\n0\r\n\r\n", After.STALL,
                    "bad chunk size '5" + String.format("\\x%02x", (int) c) + "'"));
        }
        rows.add(row(String.format("%04d", number++), "a NUL after a chunk size", CHUNKED + "5\0\r\nhello\r\n0\r\n\r\n", After.STALL,
                "NUL byte in the response chunk size line"));
        String split = "a bare LF splits a Content-Length or Transfer-Encoding field from the line before it in a response header block "
                + "that otherwise ends lines with CRLF: other parsers would frame this message differently";
        rows.add(row(String.format("%04d", number++), "a bare LF that splits Content-Length off a CRLF line",
                "HTTP/1.1 200 OK\r\nDummy: x\nContent-Length: 5\r\n\r\nhello", After.STALL, split));
        rows.add(row(String.format("%04d", number++), "a bare LF that splits Transfer-Encoding off a CRLF line",
                "HTTP/1.1 200 OK\r\nDummy: x\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", After.STALL, split));
        rows.add(row(String.format("%04d", number), "a bare LF after the status line, then Content-Length in a CRLF head",
                "HTTP/1.1 200 OK\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello", After.STALL, split));
        return rows.stream();
    }

    @ParameterizedTest(name = "case {0}: {1} is exit 6 and leaves no file")
    @MethodSource("obfuscatedFraming")
    void obfuscatedFramingIsRefused(String number, String what, String raw, After after, String why) throws Exception {
        refusedResponses(number, what, raw, after, why);
    }

    @Test
    void case0286OptionalWhitespaceIsSpaceAndTabOnly() throws Exception {
        Outcome o = fetch("HTTP/1.1 200 OK\r\nTransfer-Encoding:\t chunked \t\r\nX-A: 1\n\r\n5 \t\r\nhello\r\n0\r\n\r\n", After.STALL);
        assertEquals(0, o.code(), o.stderr());
        assertBody("hello", body());
    }

    @Test
    void case0287AnEmptyLineAfterA100ContinueIsSkipped() throws Exception {
        Outcome o = fetch("HTTP/1.1 100 Continue\r\n\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", After.STALL);
        assertEquals(0, o.code(), o.stderr());
        assertBody("ok", body());
    }

    @Test
    void case0288ABareLfBeforeAFieldThatDoesNotFrameIsAccepted() throws Exception {
        Outcome o = fetch("HTTP/1.1 200 OK\r\nX-A: 1\nX-B: 2\r\nContent-Length: 2\r\n\r\nok", After.STALL);
        assertEquals(0, o.code(), o.stderr());
        assertBody("ok", body());
    }

    private static Arguments row(String number, String what, String raw, After after, String why) {
        return Arguments.of(number, what, raw, after, why);
    }

    @ParameterizedTest(name = "case {0}: {1} is exit 6 and leaves no file")
    @MethodSource("refused")
    void refusedResponses(String number, String what, String raw, After after, String why) throws Exception {
        Outcome o = fetch(raw, after);
        assertEquals(6, o.code(), o.stderr());
        assertEquals("nk: http-get: " + why + " (127.0.0.1:PORT)\n", o.stderr());
        assertEquals(List.of(), o.files(), "no output file and no temporary file");
        assertTrue(o.millis() < 2_000, "nk gave up at once, not when the server closed or a timeout ran out: " + o.millis() + " ms");
    }
}
