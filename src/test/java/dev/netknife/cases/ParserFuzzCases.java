package dev.netknife.cases;

import static dev.netknife.support.ByteMutator.ascii;
import static dev.netknife.support.ByteMutator.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.chat.ChatServer;
import dev.netknife.http.HttpInput;
import dev.netknife.http.HttpUrl;
import dev.netknife.http.ResponseBodies;
import dev.netknife.http.ResponseHead;
import dev.netknife.io.Durations;
import dev.netknife.io.Endpoint;
import dev.netknife.io.Rate;
import dev.netknife.support.BlockingInput;
import dev.netknife.support.ByteMutator;
import dev.netknife.support.MemoryConn;
import dev.netknife.support.TestCerts;
import dev.netknife.term.Sanitizer;
import dev.netknife.tls.Pem;
import dev.netknife.ws.CloseCodes;
import dev.netknife.ws.Message;
import dev.netknife.ws.WsProtocolException;
import dev.netknife.ws.WsSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz tests of every parser nk runs on outside input: endpoints, URLs (and the Location a server
 * sends), HTTP response heads, chunked bodies and body framing, WebSocket frames in both roles and
 * the UTF-8 check of text messages, the chat server's line handling and text stripping, durations,
 * rates and PEM files. Jazzer's JUnit integration cannot run here (its agent cannot instrument Java
 * 25 class files, so it fuzzes blind, and only with JAZZER_FUZZ set), so each parser gets 10,000
 * inputs from {@link ByteMutator}: a fixed seed (named in every failure), valid seed inputs, every
 * truncation of the short ones, and stacked mutations. Each input must be accepted or refused with
 * the parser's own exception (an {@link NkException} with the usage or protocol exit code, a
 * {@link WsProtocolException} or the EOFException of a cut frame), with a message free of control
 * characters where the input is remote, and must allocate less than the parser's limit times four
 * plus 1 MiB, measured per input with the thread's allocation counter (parsers that stream line
 * after line may add a fixed amount per line; parsers without a limit, 16 bytes per input byte).
 * Inputs go through in-memory connections in pieces of varying size; no socket is opened. Cases
 * 0800-0810 fuzz; 0811-0819 keep the bugs the fuzzing found as rows with their minimized inputs.
 */
class ParserFuzzCases {
    private static final int INPUTS = 10_000;
    private static final long MIB = 1 << 20;
    /** HttpLimits.HEAD_BYTES: a response head, and a trailer section, may not be larger. */
    private static final int HEAD_LIMIT = 64 * 1024;
    /** HttpLimits.CHUNK_LINE_BYTES. */
    private static final int CHUNK_LINE_LIMIT = 4 * 1024;
    /** The --max-message the WebSocket cases run with. */
    private static final int WS_MAX_MESSAGE = 64 * 1024;
    /** The chat server's line limit in these cases. */
    private static final int CHAT_MAX_LINE = 512;
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final HttpUrl LOCATION_BASE = HttpUrl.parse("http://example.com:8080/a/b/c?q=1");

    @TempDir
    Path dir;

    /** One parser run on one input; {@code seed} decides how its bytes are cut into reads. */
    @FunctionalInterface
    interface Parse {
        void parse(byte[] input, long seed) throws Throwable;
    }

    /** How many inputs the parser accepted and how many it refused with its own exception. */
    record Outcome(int accepted, int refused) {
    }

    // ---------------------------------------------------------------- arguments

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void case0800EndpointHostPortFuzz() {
        ByteMutator inputs = new ByteMutator(0x0800L,
                utf8("localhost:80", "127.0.0.1:8080", "[::1]:443", "[fe80::1%eth0]:22", "example.com:0", "host_name-1.example:65535",
                        " a:1 ", "localhost 80", "::1 443", "[::1] 8080", "host:", ":80", "[::1]", "host", "[]:1", "b\u00fccher.de:21"),
                ascii(":", "[", "]", "%", ".", "-", "_", "::", " ", "65535", "65536", "0", "00000"), 600, 256);
        Outcome o = fuzz("0800 Endpoint", inputs, INPUTS, bounded(0), ParserFuzzCases::usage, (input, seed) -> {
            String s = new String(input, StandardCharsets.UTF_8);
            int space = s.indexOf(' ');
            // nk connect HOST:PORT and nk connect HOST PORT
            anyOf(ParserFuzzCases::usage, () -> checkEndpoint(Endpoint.parse(s)),
                    () -> checkEndpoint(space < 0 ? Endpoint.of(s, null) : Endpoint.of(s.substring(0, space), s.substring(space + 1))));
        });
        assertSomeOfEach(o);
    }

    private static void checkEndpoint(Endpoint e) {
        assertTrue(e.port() >= 0 && e.port() <= 65535, "port " + e.port());
        assertEquals(e, readBack(() -> Endpoint.parse(e.toString())), "an accepted endpoint reads back from its text form");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void case0801UrlAndLocationFuzz() {
        ByteMutator inputs = new ByteMutator(0x0801L,
                utf8("http://example.com/", "https://user:pw@Example.COM:8443/a/b?q=1#frag", "http://[::1]:8080/x y", "ws://localhost/chat",
                        "wss://h:443", "http://a.b/%41%zz", "HTTP://Example.COM?x", "http://h/caf\u00e9", "/relative/path?x=1", "../up",
                        "//other.example/x", "?only=query", "http://[fe80::1%25eth0]/", "http://u@h:/p#f"),
                ascii("://", "http", "https", "ws", "wss", "[", "]", ":", "@", "%", "%2", "%41", "#", "?", "/", "//", "..", " ", "\u007f"), 2048, 1024);
        Outcome o = fuzz("0801 HttpUrl", inputs, INPUTS, bounded(0), ParserFuzzCases::cleanUsage, (input, seed) -> {
            String s = new String(input, StandardCharsets.UTF_8);
            // a URL argument, a ws:// one, and a Location header (remote text) resolved against a base URL
            anyOf(ParserFuzzCases::cleanUsage, () -> checkUrl(HttpUrl.parse(s)), () -> checkUrl(HttpUrl.parseWebSocket(s)),
                    () -> checkUrl(LOCATION_BASE.resolve(s)));
        });
        assertSomeOfEach(o);
    }

    private static void checkUrl(HttpUrl url) {
        assertTrue(url.port() >= 1 && url.port() <= 65535, "port " + url.port());
        assertTrue(url.target().startsWith("/"), "target " + url.target());
        assertTrue(url.target().chars().allMatch(c -> c > 0x20 && c < 0x7f), "target is encoded: " + url.target());
        HttpUrl again = readBack(() -> url.scheme().startsWith("ws") ? HttpUrl.parseWebSocket(url.toString()) : HttpUrl.parse(url.toString()));
        assertEquals(List.of(url.scheme(), url.host(), url.port(), url.target()), List.of(again.scheme(), again.host(), again.port(), again.target()),
                "an accepted URL reads back from its text form");
        url.endpoint();
        url.fileName();
    }

    // ---------------------------------------------------------------- HTTP responses

    private static final List<byte[]> HEADS = ascii(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\n",
            "HTTP/1.0 404 Not Found\r\nServer: x\r\nConnection: keep-alive\r\n\r\n",
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
            "HTTP/1.1 301 Moved Permanently\nLocation: /x\n\n",
            "HTTP/1.1 204\r\n\r\n",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.1 999 Whatever: with colon\r\nX-Empty:\r\nX-Spaces:    v   \r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\n\tmore\r\nX-B:\r\n b\r\n\r\n",
            "HTTP/1.1 200 OK\r\n" + "a:\n".repeat((HEAD_LIMIT - 20) / 3) + "\r\n",
            "HTTP/1.1 200 OK\r\nX: a\r\n" + (" " + "a".repeat(60) + "\n").repeat((HEAD_LIMIT - 40) / 62) + "\r\n");
    private static final List<byte[]> HTTP_TOKENS = ascii("HTTP/1.1 ", "HTTP/1.0 ", "HTTP/2 ", "200", "100", "101", "204", "304", "099", ": ",
            ":", "\r\n", "\n", " ", "\t", "Content-Length", "Transfer-Encoding", "chunked", "gzip, chunked", ",", ", ", "Connection: close\r\n",
            "Location: ", "\r\n\r\n", "\r\nContent-Length: ", "\r\nTransfer-Encoding: ", " , ", ",,");

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void case0802ResponseHeadFuzz() {
        ByteMutator inputs = new ByteMutator(0x0802L, HEADS, HTTP_TOKENS, HEAD_LIMIT + 8 * 1024, HEAD_LIMIT - 40, HEAD_LIMIT, 16 * 1024);
        // per line: input read in 1-byte pieces allocates a few KiB a line while the code is still interpreted (a fresh JVM)
        Outcome o = fuzz("0802 ResponseHead", inputs, INPUTS, boundedPerLine(HEAD_LIMIT, 4096), ParserFuzzCases::cleanProtocol, (input, seed) -> {
            HttpInput in = httpInput(input, seed);
            for (int i = 0; i < 30; i++) {
                ResponseHead head = ResponseHead.read(in);
                if (head == null) {
                    return;
                }
                assertTrue(head.status() >= 100 && head.status() <= 999, "status " + head.status());
                assertTrue(head.version().startsWith("HTTP/1."), "version " + head.version());
            }
        });
        assertSomeOfEach(o);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void case0803ChunkedBodyFuzz() {
        ByteMutator inputs = new ByteMutator(0x0803L,
                ascii("5\r\nhello\r\n0\r\n\r\n", "1;ext=1\r\na\r\n0\r\nTrailer: x\r\n\r\n", "A\r\n0123456789\r\n0\r\n\r\n", "0\r\n\r\n",
                        "3\nabc\n0\n\n", "  2 ; a=\"b\"\r\nxy\r\n00\r\nX-T: 1\r\nY-T: 2\r\n\r\n", "1\r\n\n\r\n1\r\n\r\r\n0\r\n\r\n",
                        "1\na\n".repeat(4_000) + "0\n" + "t:\n".repeat((HEAD_LIMIT - 10) / 3) + "\n"),
                ascii("\r\n", ";", "0", "f", "F", "fffffffffffffff", "7fffffffffffffff", "0x10", "-1", " ", "\t", "X: y\r\n", "0\r\n\r\n"),
                HEAD_LIMIT + 16 * 1024, CHUNK_LINE_LIMIT, HEAD_LIMIT);
        byte[] scratch = new byte[8192];
        Outcome o = fuzz("0803 chunked body", inputs, INPUTS, boundedPerLine(HEAD_LIMIT, 256), ParserFuzzCases::cleanProtocol, (input, seed) -> {
            long length = ResponseBodies.readChunked(httpInput(input, seed), scratch);
            assertTrue(length <= input.length, "decoded " + length + " bytes from " + input.length);
        });
        assertSomeOfEach(o);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void case0804ResponseFramingFuzz() {
        ByteMutator inputs = new ByteMutator(0x0804L,
                ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                        "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 204 No Content\r\n\r\n",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
                        "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\nHTTP/1.1 200 OK\r\n\r\nuntil the end",
                        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                HTTP_TOKENS, HEAD_LIMIT + 8 * 1024, HEAD_LIMIT);
        byte[] scratch = new byte[8192];
        Outcome o = fuzz("0804 response framing", inputs, INPUTS, boundedPerLine(HEAD_LIMIT, 256), ParserFuzzCases::cleanProtocol, (input, seed) -> {
            HttpInput in = httpInput(input, seed);
            String method = seed % 8 == 0 ? "HEAD" : "GET";
            for (int i = 0; i < 10 && ResponseBodies.read(in, method, scratch) >= 0; i++) {
                // the next response on the same connection
            }
        });
        assertSomeOfEach(o);
    }

    private static HttpInput httpInput(byte[] input, long seed) {
        return new HttpInput(MemoryConn.chopped(input, 1 + (int) Math.floorMod(seed, 4096L), seed, OutputStream.nullOutputStream()));
    }

    // ---------------------------------------------------------------- WebSocket

    private static final List<byte[]> WS_TOKENS = List.of(new byte[] {(byte) 0x81}, new byte[] {0x01}, new byte[] {(byte) 0x80},
            new byte[] {0x00}, new byte[] {(byte) 0x82}, new byte[] {(byte) 0x88}, new byte[] {(byte) 0x89}, new byte[] {(byte) 0x8a},
            new byte[] {(byte) 0xc1}, new byte[] {(byte) 0x83}, new byte[] {0x7e}, new byte[] {0x7f}, new byte[] {(byte) 0xfe}, new byte[] {(byte) 0xff},
            new byte[] {0x7e, (byte) 0xff, (byte) 0xff}, new byte[] {0x7e, 0x00, 0x7d}, new byte[] {0x7f, 0, 0, 0, 0, 0, 1, 0, 0},
            new byte[] {0x7f, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
            new byte[] {0x03, (byte) 0xe8}, new byte[] {0x03, (byte) 0xed}, new byte[] {0x03, (byte) 0xee}, new byte[] {0x0b, (byte) 0xb8},
            new byte[] {0x13, (byte) 0x88}, new byte[] {(byte) 0xce, (byte) 0xba}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82});

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void case0805WsFramesFuzzInBothRoles() {
        ws("0805 FrameReader (client role: unmasked frames from a server)", 0x0805L, false, true);
        ws("0805 FrameReader (server role: masked frames from a client)", 0x0805_0001L, true, false);
    }

    private void ws(String name, long seedValue, boolean masked, boolean client) {
        ByteMutator inputs = new ByteMutator(seedValue, wsSeeds(masked), WS_TOKENS, WS_MAX_MESSAGE + 1024, 126, 127, WS_MAX_MESSAGE);
        WsSession.Options options = new WsSession.Options(WS_MAX_MESSAGE, 0);
        Outcome o = fuzz(name, inputs, INPUTS, bounded(WS_MAX_MESSAGE), ParserFuzzCases::wsRefusal, (input, seed) -> {
            WsSession session = new WsSession(httpInput(input, seed), OutputStream.nullOutputStream(), client, options);
            for (int i = 0; i < 1000; i++) {
                Message m = session.receive();
                if (m == null) {
                    return;
                }
                assertTrue(m.length() <= WS_MAX_MESSAGE, "message of " + m.length() + " bytes");
                if (m.text()) {
                    assertTrue(strictUtf8(m.payload(), 0, m.length()), "a text message that is not UTF-8 got through");
                }
            }
        });
        assertSomeOfEach(o);
    }

    private static List<byte[]> wsSeeds(boolean masked) {
        byte[] kosme = utf8("\u03ba\u1f79\u03c3\u03bc\u03b5");
        byte[] binary = new byte[200];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        return List.of(
                frame(0x81, utf8("Hello"), masked, 0),
                frame(0x82, new byte[] {0, 1, 2, (byte) 0xff}, masked, 0),
                concat(frame(0x01, utf8("Hel"), masked, 0), frame(0x89, utf8("p"), masked, 0), frame(0x80, utf8("lo"), masked, 0)),
                concat(frame(0x8a, new byte[0], masked, 0), frame(0x88, concat(new byte[] {0x03, (byte) 0xe8}, utf8("bye")), masked, 0)),
                frame(0x88, new byte[0], masked, 0),
                frame(0x88, new byte[] {0x03}, masked, 0),
                frame(0x82, binary, masked, 0),
                frame(0x82, utf8("0123456789"), masked, 127),
                frame(0x81, utf8("short"), masked, 126),
                concat(frame(0x01, Arrays.copyOf(kosme, 3), masked, 0), frame(0x00, Arrays.copyOfRange(kosme, 3, 7), masked, 0),
                        frame(0x80, Arrays.copyOfRange(kosme, 7, kosme.length), masked, 0)),
                concat(frame(0x81, utf8("one"), masked, 0), frame(0x81, utf8("two"), masked, 0), frame(0x88, new byte[] {0x03, (byte) 0xe8}, masked, 0)),
                frame(0x81, new byte[] {(byte) 0xce, (byte) 0xba, (byte) 0xed, (byte) 0xa0, (byte) 0x80}, masked, 0),
                frame(0x91, utf8("rsv"), masked, 0),
                frame(0x83, utf8("op3"), masked, 0),
                frame(0x81, utf8("wrong masking"), !masked, 0),
                frame(0x89, new byte[126], masked, 0),
                concat(Collections.nCopies(4_000, frame(0x89, new byte[0], masked, 0)).toArray(byte[][]::new)),
                concat(frame(0x01, new byte[0], masked, 0), concat(Collections.nCopies(4_000, frame(0x00, new byte[] {'a'}, masked, 0))
                        .toArray(byte[][]::new)), frame(0x80, new byte[0], masked, 0)));
    }

    /** One frame: {@code b0} is FIN, RSV and opcode; {@code lengthForm} 126 or 127 forces that length encoding. */
    private static byte[] frame(int b0, byte[] payload, boolean masked, int lengthForm) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        int maskBit = masked ? 0x80 : 0;
        int n = payload.length;
        if (lengthForm == 127 || n > 65_535) {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) n >>> shift));
            }
        } else if (lengthForm == 126 || n > 125) {
            out.write(maskBit | 126);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(maskBit | n);
        }
        // a zero key leaves the payload as it is, so dictionary bytes reach the UTF-8 and close-code checks unchanged
        byte[] key = payload.length % 2 == 0 ? new byte[4] : new byte[] {0x37, (byte) 0xfa, 0x21, 0x3d};
        if (masked) {
            out.writeBytes(key);
        }
        for (int i = 0; i < n; i++) {
            out.write(masked ? payload[i] ^ key[i & 3] : payload[i]);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void case0806WsTextUtf8AgreesWithTheJdkDecoder() {
        ByteMutator inputs = new ByteMutator(0x0806L,
                List.of(utf8("hello"), utf8("\u03ba\u1f79\u03c3\u03bc\u03b5"), utf8("\u20ac"), utf8("\ud83d\ude00"), utf8("ascii 12345678 then \u00e9 and more ascii"),
                        utf8("\u0000"), utf8("\udbff\udfff"), utf8("\uffff"), utf8("\ud7ff"), utf8("\ue000"), utf8("01234567\u07ff89abcdef\u0800")),
                List.of(new byte[] {(byte) 0xc0}, new byte[] {(byte) 0xc1}, new byte[] {(byte) 0xc2}, new byte[] {(byte) 0xdf}, new byte[] {(byte) 0xe0},
                        new byte[] {(byte) 0xa0}, new byte[] {(byte) 0x9f}, new byte[] {(byte) 0xed}, new byte[] {(byte) 0xef}, new byte[] {(byte) 0xf0},
                        new byte[] {(byte) 0x90}, new byte[] {(byte) 0x8f}, new byte[] {(byte) 0xf4}, new byte[] {(byte) 0xf5}, new byte[] {(byte) 0xff},
                        new byte[] {(byte) 0x80}, new byte[] {(byte) 0xbf}, utf8("abcdefgh")),
                4096, 8, 9, 16);
        WsSession.Options options = new WsSession.Options(WS_MAX_MESSAGE, 0);
        Outcome o = fuzz("0806 Utf8", inputs, INPUTS, bounded(WS_MAX_MESSAGE), ParserFuzzCases::wsRefusal, (payload, seed) -> {
            // the text in one frame, or in three fragments cut anywhere (the check runs on the whole message)
            int cut1 = payload.length == 0 ? 0 : (int) Math.floorMod(seed, (long) payload.length);
            int cut2 = cut1 + (payload.length - cut1) / 2;
            byte[] wire = seed % 2 == 0 ? frame(0x81, payload, false, 0)
                    : concat(frame(0x01, Arrays.copyOfRange(payload, 0, cut1), false, 0),
                            frame(0x00, Arrays.copyOfRange(payload, cut1, cut2), false, 0),
                            frame(0x80, Arrays.copyOfRange(payload, cut2, payload.length), false, 0));
            WsSession session = new WsSession(httpInput(wire, seed), OutputStream.nullOutputStream(), true, options);
            boolean valid = strictUtf8(payload, 0, payload.length);
            try {
                Message m = session.receive();
                assertTrue(valid, "nk took invalid UTF-8 as text");
                assertEquals(ByteBuffer.wrap(payload), ByteBuffer.wrap(m.payload(), 0, m.length()));
            } catch (WsProtocolException e) {
                assertTrue(!valid && e.closeCode() == CloseCodes.INVALID_PAYLOAD, "nk refused valid UTF-8: " + e.getMessage());
                throw e;
            }
        });
        assertSomeOfEach(o);
    }

    private static boolean strictUtf8(byte[] b, int off, int len) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, off, len));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- chat

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void case0807ChatServerLineFuzz() throws Exception {
        AtomicReference<String> problem = new AtomicReference<>();
        ChatServer chat = new ChatServer(new ChatServer.Config(CHAT_MAX_LINE, null, 3, 0), event -> {
            if (event.detail() != null && !clean(event.detail())) {
                problem.compareAndSet(null, "event " + event + " carries control characters");
            }
        });
        // bob stays in the room the whole time and sees what every fuzzed client says
        LineCheck bobSees = new LineCheck();
        BlockingInput bobTypes = new BlockingInput();
        MemoryConn bob = new MemoryConn(new SequenceInputStream(new ByteArrayInputStream(utf8("bob\n")), bobTypes), bobSees);
        Thread bobThread = Thread.ofVirtual().start(() -> {
            try {
                chat.serve(bob);
            } catch (IOException e) {
                problem.compareAndSet(null, "bob's connection failed: " + e);
            }
        });
        for (int i = 0; i < 200 && chat.members() < 1; i++) {
            Thread.sleep(10);
        }
        assertEquals(1, chat.members(), "bob joined");
        ByteMutator inputs = new ByteMutator(0x0807L,
                utf8("alice\nhello everyone\n/me waves\n/msg bob hi there\n/nick alice2\n/who\n/help\n/quit\n",
                        "/nick carol\r\nhi\r\n/MSG BOB x\r\n/me\r\n/msg\r\n/msg nobody hi\r\n/nick bob\r\n/unknown\r\n",
                        "dave\n\u001b[31mred\u001b[0m text\n\u202eevil\n\ttab\u0007\n\u009b2Jc1\n",
                        "erin\n" + "x".repeat(CHAT_MAX_LINE + 10) + "\nafter the long line\n" + "y".repeat(CHAT_MAX_LINE) + "\n",
                        "bob\nBOB\nthis nick is far too long for the room\ngrace\n/msg grace me\n", "", "\n\n\n", "/quit\n", "frank"),
                utf8("/nick ", "/msg ", "/me ", "/who", "/help", "/quit", "bob ", " ", "\n", "\r\n", "\u001b[", "\u001b]0;", "\u0007", "\u009b",
                        "\u202e", "\t", "\u0000"),
                4 * CHAT_MAX_LINE, CHAT_MAX_LINE, CHAT_MAX_LINE + 1);
        Outcome o = fuzz("0807 chat server lines", inputs, INPUTS, boundedPerLine(CHAT_MAX_LINE, 1024), t -> false, (input, seed) -> {
            LineCheck sees = new LineCheck();
            chat.serve(MemoryConn.chopped(input, 1 + (int) Math.floorMod(seed, 700L), seed, sees));
            assertNull(sees.problem(), "what the client was sent");
            assertNull(problem.get());
            assertEquals(1, chat.members(), "only bob is left in the room");
        });
        assertEquals(INPUTS, o.accepted());
        bob.close();
        bobThread.join(5000);
        assertEquals(0, chat.members(), "bob left");
        assertNull(bobSees.problem(), "what bob was sent");
        assertTrue(bobSees.lines() > 1000, "bob saw the others talk: " + bobSees.lines() + " lines");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void case0808SanitizerStripFuzz() {
        ByteMutator inputs = new ByteMutator(0x0808L,
                utf8("plain text", "\u001b[31mred\u001b[0m", "\u001b]0;title\u0007after", "\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\",
                        "\u009b31m\u009d0;t\u009c", "\u202eevil\u202c", "tab\there", "\u001bPdcs\u001b\\", "end\u001b", "\u001b[", "\u001bc"),
                utf8("\u001b", "[", "]", "\\", "\u0007", "\u009b", "\u009c", "\u009d", "\u0000", "\r", "\n", "m", "P", "_", "^", ";"), 4096, 1024);
        Outcome o = fuzz("0808 Sanitizer.strip", inputs, INPUTS, bounded(0), t -> false, (input, seed) -> {
            String text = new String(input, seed % 2 == 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            String shown = Sanitizer.strip(text);
            assertTrue(clean(shown), "control characters left in " + Sanitizer.clean(shown));
            assertTrue(shown.length() <= text.length());
        });
        assertEquals(INPUTS, o.accepted());
    }

    /** Checks each write (the chat server writes whole lines): UTF-8, no control characters, and each line in one of the server's forms. */
    private static final class LineCheck extends OutputStream {
        private volatile String problem;
        private volatile int lines;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len)).toString();
            } catch (CharacterCodingException e) {
                note("not UTF-8: " + ByteMutator.describe(Arrays.copyOfRange(b, off, off + len), 200));
                return;
            }
            for (String line : text.split("\n")) {
                lines++;
                if (!clean(line)) {
                    note("control characters in " + Sanitizer.clean(line));
                }
                if (!(line.startsWith("<") || line.startsWith("* ") || line.startsWith("[private] <") || line.startsWith("-> <"))) {
                    note("a line in no known form: " + Sanitizer.clean(line));
                }
            }
        }

        private void note(String what) {
            if (problem == null) {
                problem = what;
            }
        }

        String problem() {
            return problem;
        }

        int lines() {
            return lines;
        }
    }

    // ---------------------------------------------------------------- durations and rates

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void case0809DurationAndRateFuzz() {
        ByteMutator inputs = new ByteMutator(0x0809L, utf8("250ms", "3s", "2m", "1h", "3", "1.5s", "0", " 10S ", ".5m", "1.", "0.001ms", "86400"),
                ascii("ms", "s", "m", "h", ".", "e", "-", "+"), 600, 400);
        Outcome o = fuzz("0809 Durations", inputs, INPUTS, bounded(0), ParserFuzzCases::usage, (input, seed) -> {
            long millis = Durations.parseMillis(new String(input, StandardCharsets.UTF_8));
            assertTrue(millis >= 0, "negative duration " + millis);
        });
        assertSomeOfEach(o);
        ByteMutator rates = new ByteMutator(0x0809_0001L, utf8("10", "5/s", "100/m", "1/h", "0", "999999999", " 7/S ", "3/", "/s"),
                ascii("/", "s", "m", "h", "ms", "999999999", "1000000000"), 600, 400);
        o = fuzz("0809 Rate", rates, INPUTS, bounded(0), ParserFuzzCases::usage, (input, seed) -> {
            Rate rate = Rate.parse(new String(input, StandardCharsets.UTF_8));
            assertTrue(rate.permits() >= 1, "permits " + rate.permits());
            assertEquals(rate, readBack(() -> Rate.parse(rate.toString())), "a rate reads back from the text nk shows for it");
        });
        assertSomeOfEach(o);
    }

    // ---------------------------------------------------------------- PEM

    /**
     * 6,000 PEM files mutated as text, then 4,000 with their DER mutated and the armour intact (so
     * the ASN.1 parsers see structure, not broken base64); each read for certificates and for a key.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void case0810PemFuzz() throws Exception {
        TestCerts certs = new TestCerts(dir);
        Path good = certs.good();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        List<byte[]> seeds = List.of(Files.readAllBytes(good), Files.readAllBytes(TestCerts.keyOf(good)),
                utf8(traditional(dev.netknife.tls.SelfSigned.newKeyPair().getPrivate())), utf8(traditional(generator.genKeyPair().getPrivate())),
                utf8("junk before\n" + Files.readString(certs.caFile()) + "junk after\n"),
                utf8("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"));
        // a zip file system keeps what is written in memory until it closes: Pem reads through the same Path API, with no disk write per input
        try (FileSystem memory = FileSystems.newFileSystem(dir.resolve("pem-inputs.zip"), Map.of("create", "true"))) {
            pem(seeds, memory.getPath("/fuzz.pem"));
        }
    }

    /** The seeds first as text, then (the first four) as DER in intact armour. */
    private static void pem(List<byte[]> seeds, Path file) {
        String name = "0810 Pem";
        long seed = 0x0810L;
        List<byte[]> tokens = ascii("-----BEGIN CERTIFICATE-----\n", "-----END CERTIFICATE-----\n", "-----BEGIN PRIVATE KEY-----\n",
                "-----END PRIVATE KEY-----\n", "-----BEGIN EC PRIVATE KEY-----\n", "-----BEGIN RSA PRIVATE KEY-----\n", "-----BEGIN ", "-----END ",
                "-----", "Proc-Type: 4,ENCRYPTED\n", "DEK-Info: AES-128-CBC,0011\n", "=", "==", "A", "/", "+", "MII", "\n", "\r\n", "!", "*");
        Parse parse = (input, pieces) -> {
            Files.write(file, input);
            anyOf(ParserFuzzCases::usage, () -> assertTrue(!Pem.certificates(file).isEmpty()), () -> Pem.privateKey(file));
        };
        Outcome text = fuzz(name + " (text)", new ByteMutator(seed, seeds, tokens, 16 * 1024, 64, 76, 4096), INPUTS * 6 / 10, bounded(0),
                ParserFuzzCases::usage, parse);
        List<byte[]> der = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (byte[] one : seeds.subList(0, 4)) {
            String s = new String(one, StandardCharsets.US_ASCII);
            int begin = s.indexOf("-----BEGIN ") + 11;
            labels.add(s.substring(begin, s.indexOf("-----", begin)));
            der.add(Base64.getMimeDecoder().decode(s.substring(s.indexOf('\n', begin) + 1, s.indexOf("-----END"))));
        }
        List<byte[]> derTokens = List.of(new byte[] {0x30, (byte) 0x82}, new byte[] {0x30, (byte) 0x80}, new byte[] {0x02, 0x01, 0x00},
                new byte[] {0x06, 0x03, 0x55, 0x04, 0x03}, new byte[] {0x05, 0x00}, new byte[] {0x04, 0x00}, new byte[] {0x03, 0x01, 0x00},
                new byte[] {(byte) 0xa0, 0x03}, new byte[] {0x02, (byte) 0x84, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                new byte[] {0x30, (byte) 0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0}, concat(new byte[] {0x18, 0x0f}, utf8("20250101000000Z")),
                concat(new byte[] {0x17, 0x0d}, utf8("250101000000Z")), new byte[] {0x06, 0x00}, new byte[] {0x1f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        Outcome structured = fuzz(name + " (DER)", new ByteMutator(seed << 16 | 0xde8, der, derTokens, 8 * 1024, 128), INPUTS * 4 / 10, bounded(0),
                ParserFuzzCases::usage, (input, pieces) -> parse.parse(armour(labels.get((int) Math.floorMod(pieces, (long) labels.size())), input), pieces));
        assertSomeOfEach(new Outcome(text.accepted() + structured.accepted(), text.refused() + structured.refused()));
    }

    private static String traditional(java.security.PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(key);
        }
        return text.toString();
    }

    private static byte[] armour(String label, byte[] der) {
        return utf8("-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n");
    }

    // ---------------------------------------------------------------- regressions

    /** One regression check; {@code dir} is a scratch directory for files. */
    @FunctionalInterface
    interface Regression {
        void check(Path dir) throws Throwable;
    }

    /** The bugs the fuzzing found, each with its minimized input. */
    static Stream<Arguments> regressions() {
        return Stream.of(
                Arguments.of("0811", "a duration in another script's digits is a usage error, not a NumberFormatException", (Regression) dir -> {
                    NkException e = assertThrows(NkException.class, () -> Durations.parseMillis("\u0663h"));
                    assertEquals(ExitCode.USAGE, e.exitCode());
                    assertEquals("bad duration '\u0663h': expected e.g. 250ms, 3s, 2m, 1h or seconds", e.getMessage());
                }),
                Arguments.of("0812", "'Transfer-Encoding: ,' is a protocol error, not an ArrayIndexOutOfBoundsException", (Regression) dir -> {
                    NkException e = assertThrows(NkException.class, () -> readResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: ,\r\n\r\n0\r\n\r\n"));
                    assertEquals(ExitCode.PROTOCOL, e.exitCode());
                    assertEquals("Transfer-Encoding does not end in chunked: ','", e.getMessage());
                }),
                Arguments.of("0813", "'Content-Length: ,' is a protocol error, not a length of -1 (an IndexOutOfBoundsException, or an empty body)", (Regression) dir -> {
                    NkException e = assertThrows(NkException.class, () -> readResponse("HTTP/1.1 200 OK\r\nContent-Length: ,\r\n\r\nhello"));
                    assertEquals(ExitCode.PROTOCOL, e.exitCode());
                    assertEquals("bad Content-Length ','", e.getMessage());
                    assertEquals(5, readResponse("HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\nhello"), "a trailing comma is still fine");
                }),
                Arguments.of("0814", "a Location with control characters gives a clipped message with them escaped", (Regression) dir -> {
                    NkException e = assertThrows(NkException.class, () -> LOCATION_BASE.resolve("/\u001b]0;owned\u0007"));
                    assertEquals(ExitCode.USAGE, e.exitCode());
                    assertEquals("bad URL 'http://example.com:8080/\\x1b]0;owned\\x07': control character in URL", e.getMessage());
                    String longOne = assertThrows(NkException.class, () -> LOCATION_BASE.resolve("/" + "\n".repeat(1460) + "x")).getMessage();
                    assertTrue(longOne.endsWith("\\x0a...': control character in URL") && longOne.length() < 800, longOne);
                }),
                Arguments.of("0815", "64 KiB of folded header lines are joined once, not copied at every line (30 MB allocated)", (Regression) dir -> {
                    String folded = "HTTP/1.1 200 OK\r\nX: a\r\n" + (" " + "a".repeat(60) + "\r\n").repeat(999) + "\r\n";
                    long before = THREADS.getCurrentThreadAllocatedBytes();
                    ResponseHead head = ResponseHead.read(httpInput(folded.getBytes(StandardCharsets.ISO_8859_1), 1));
                    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
                    assertEquals("a" + (" " + "a".repeat(60)).repeat(999), head.headers().first("X"));
                    // the quadratic copy made 30 MB; reading 1-byte pieces costs up to ~3 KiB a line before the JIT (999 lines)
                    assertTrue(allocated < 4L * HEAD_LIMIT + MIB + 4096L * 1000, allocated + " bytes allocated");
                }),
                Arguments.of("0816", "a rate per hour is shown as N/h, which reads back", (Regression) dir -> {
                    Rate rate = Rate.parse("1/h");
                    assertEquals("1/h", rate.toString());
                    assertEquals(rate, Rate.parse(rate.toString()));
                }),
                Arguments.of("0817", "a PEM file with bad base64 is a usage error, not a DecoderException", (Regression) dir -> {
                    Path file = Files.writeString(dir.resolve("bad-base64.pem"), "-----BEGIN CERTIFICATE-----\nMII!\n-----END CERTIFICATE-----\n");
                    for (Executable read : List.<Executable>of(() -> Pem.certificates(file), () -> Pem.privateKey(file))) {
                        NkException e = assertThrows(NkException.class, read);
                        assertEquals(ExitCode.USAGE, e.exitCode());
                        assertEquals("cannot read " + file + ": malformed PEM data", e.getMessage());
                    }
                }),
                Arguments.of("0818", "an encrypted PEM key without DEK-Info is a usage error, not a NullPointerException", (Regression) dir -> {
                    Path file = Files.writeString(dir.resolve("no-dek-info.pem"),
                            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
                    NkException e = assertThrows(NkException.class, () -> Pem.privateKey(file));
                    assertEquals(ExitCode.USAGE, e.exitCode());
                    assertEquals("cannot read " + file + ": malformed PEM data", e.getMessage());
                }),
                Arguments.of("0819", "a head of 64 KiB of tiny fields stops at 1000 fields instead of allocating 3.5 MB", (Regression) dir -> {
                    assertEquals(0, readResponse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n" + "a:\n".repeat(999) + "\r\n"));
                    NkException e = assertThrows(NkException.class, () -> readResponse("HTTP/1.1 200 OK\r\n" + "a:\n".repeat(1001) + "\r\n"));
                    assertEquals(ExitCode.PROTOCOL, e.exitCode());
                    assertEquals("the response header block has more than 1000 fields", e.getMessage());
                    String tiny = "HTTP/1.1 200 OK\r\n" + "a:\n".repeat((HEAD_LIMIT - 20) / 3) + "\r\n";
                    long before = THREADS.getCurrentThreadAllocatedBytes();
                    assertThrows(NkException.class, () -> readResponse(tiny));
                    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
                    // the quadratic copy made 30 MB; reading 1-byte pieces costs up to ~3 KiB a line before the JIT (999 lines)
                    assertTrue(allocated < 4L * HEAD_LIMIT + MIB + 4096L * 1000, allocated + " bytes allocated");
                }));
    }

    @ParameterizedTest(name = "case {0}: {1}")
    @MethodSource("regressions")
    void regression(String number, String title, Regression regression) throws Throwable {
        regression.check(dir);
    }

    /** One whole response read as http-get reads it (GET); the body length. */
    private static long readResponse(String response) throws IOException {
        return ResponseBodies.read(httpInput(response.getBytes(StandardCharsets.ISO_8859_1), 1), "GET", new byte[1024]);
    }

    // ---------------------------------------------------------------- the fuzz loop

    /**
     * Runs {@code count} inputs through {@code parse}. An input may be accepted or refused with an
     * exception {@code allowed} takes; anything else thrown (a failed assertion included), or an
     * allocation over {@code bound}, fails the case naming the seed and the input.
     */
    private static Outcome fuzz(String parser, ByteMutator inputs, int count, ToLongFunction<byte[]> bound, Predicate<Throwable> allowed, Parse parse) {
        for (byte[] seed : inputs.seeds()) { // loads the classes and warms up before anything is measured
            try {
                parse.parse(seed, 1);
            } catch (Throwable ignored) {
                // judged below, where it is measured too
            }
        }
        int accepted = 0;
        int refused = 0;
        long most = 0;
        int mostAt = -1;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            byte[] input = inputs.next();
            long pieces = inputs.seed() * 31 + i;
            long before = THREADS.getCurrentThreadAllocatedBytes();
            Throwable thrown = null;
            try {
                parse.parse(input, pieces);
            } catch (Throwable t) {
                thrown = t;
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (thrown != null && !allowed.test(thrown)) {
                fail(where(parser, inputs, i, count, input, pieces) + " threw " + thrown, thrown);
            }
            long limit = bound.applyAsLong(input);
            if (allocated > limit) {
                fail(where(parser, inputs, i, count, input, pieces) + " allocated " + allocated + " bytes, over the bound of " + limit);
            }
            if (allocated > most) {
                most = allocated;
                mostAt = i;
            }
            if (thrown == null) {
                accepted++;
            } else {
                refused++;
            }
        }
        System.out.printf("fuzz %s: seed 0x%x, %d inputs in %d ms, %d accepted, %d refused; most allocated %d bytes (input #%d)%n", parser,
                inputs.seed(), count, (System.nanoTime() - start) / 1_000_000, accepted, refused, most, mostAt);
        assertEquals(count, accepted + refused);
        return new Outcome(accepted, refused);
    }

    private static String where(String parser, ByteMutator inputs, int i, int count, byte[] input, long pieces) {
        return "fuzz " + parser + ": seed 0x" + Long.toHexString(inputs.seed()) + ", input #" + i + " of " + count + " (" + input.length
                + " bytes, read in pieces seeded " + pieces + "): " + ByteMutator.describe(input, 300);
    }

    /** The parser's limit times four plus 1 MiB (and, for parsers without a limit, 16 bytes per input byte). */
    private static ToLongFunction<byte[]> bounded(long limit) {
        return input -> 4 * limit + MIB + (limit == 0 ? 16L * input.length : 0);
    }

    /**
     * For parsers that stream line after line (chunk-size lines, chat lines): the limit times four
     * plus 1 MiB, and {@code perLine} bytes of garbage for each line the input holds.
     */
    private static ToLongFunction<byte[]> boundedPerLine(long limit, long perLine) {
        return input -> {
            long lines = 0;
            for (byte b : input) {
                lines += b == '\n' ? 1 : 0;
            }
            return 4 * limit + MIB + perLine * lines;
        };
    }

    private static void assertSomeOfEach(Outcome o) {
        assertTrue(o.accepted() > 0 && o.refused() > 0, "the inputs reach both outcomes: " + o);
    }

    @FunctionalInterface
    interface Attempt {
        void run() throws Throwable;
    }

    /**
     * Several parses of one input (the same text as an argument and as a header, say): each must be
     * accepted or refused as {@code allowed} says, and when all refuse it, the first refusal is thrown.
     */
    private static void anyOf(Predicate<Throwable> allowed, Attempt... parses) throws Throwable {
        Throwable first = null;
        boolean accepted = false;
        for (Attempt parse : parses) {
            try {
                parse.run();
                accepted = true;
            } catch (Throwable t) {
                if (!allowed.test(t)) {
                    throw t;
                }
                first = first == null ? t : first;
            }
        }
        if (!accepted) {
            throw first;
        }
    }

    /** Parses what nk made of an accepted input again; a refusal there is a failed check, not the parser's own refusal. */
    private static <T> T readBack(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (NkException e) {
            throw new AssertionError("refused when read back: " + e.getMessage(), e);
        }
    }

    private static boolean usage(Throwable t) {
        return t instanceof NkException nk && nk.exitCode() == ExitCode.USAGE && nk.getMessage() != null && !nk.getMessage().isEmpty();
    }

    private static boolean cleanUsage(Throwable t) {
        return usage(t) && clean(t.getMessage());
    }

    private static boolean cleanProtocol(Throwable t) {
        return t instanceof NkException nk && nk.exitCode() == ExitCode.PROTOCOL && nk.getMessage() != null && clean(nk.getMessage());
    }

    private static boolean wsRefusal(Throwable t) {
        if (t instanceof WsProtocolException e) {
            return (e.closeCode() == CloseCodes.PROTOCOL_ERROR || e.closeCode() == CloseCodes.INVALID_PAYLOAD || e.closeCode() == CloseCodes.MESSAGE_TOO_BIG)
                    && clean(e.getMessage());
        }
        return t instanceof EOFException;
    }

    /** No C0/C1 control character, DEL or bidi override: safe to print on a terminal as one line. */
    private static boolean clean(String s) {
        return Sanitizer.clean(s).equals(s);
    }
}
