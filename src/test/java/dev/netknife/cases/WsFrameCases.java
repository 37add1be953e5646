package dev.netknife.cases;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Accept;
import dev.netknife.support.Background;
import dev.netknife.support.BlockingInput;
import dev.netknife.support.NkRun;
import dev.netknife.support.RawWsPeer;
import dev.netknife.ws.Handshake;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 6455 framing as the Autobahn TestSuite checks it, for both of nk's roles: the {@code nk ws}
 * client against a scripted raw-socket server, and {@code nk ws --listen} against a scripted
 * raw-socket client that sends masked crafted frames. The sections followed are named in each
 * case: framing and length forms (1.x, plus non-minimal lengths, which nk accepts: RFC 6455 5.2's
 * "minimal number of bytes MUST be used" binds the sender, and refusing them protects nothing),
 * ping/pong (2.x), reserved bits (3.x), opcodes (4.x), fragmentation (5.x), UTF-8 (6.x), close
 * codes and reasons (7.x), size limits (9.x) and masking (RFC 6455 5.1). Each case parses nk's
 * close frame off the wire and checks that every frame nk sent was well formed (FIN, no RSV bit,
 * masked only by the client, shortest length form); the client's exit code and exact stderr line
 * (6 on a protocol error); and that the server logs the reason, drops the connection and still
 * echoes for a fresh client; and that remote text in close reasons and handshakes reaches stderr escaped.
 * Cases 0300-0378.
 */
class WsFrameCases {
    /** Most frames a scripted peer reads from nk before giving up on seeing a close frame. */
    private static final int MAX_FRAMES = 100;
    /** Default --max-message, as the error messages name it. */
    private static final String DEFAULT_LIMIT = "message larger than --max-message 16777216 bytes";
    private static final String RSV = "reserved bits set in a frame (no extension was agreed)";
    private static final String NO_CONTINUATION = "continuation frame with no message to continue";
    private static final String BAD_TEXT = "text message is not valid UTF-8";
    private static final String HELLO = "Hello, world!";
    /** UTF-8 of "κόσμε", the Autobahn 6.x sample. */
    private static final byte[] KOSME = hex("cebae1bdb9cf83cebcceb5");
    /**
     * Case 0374's bound on heap growth while a connection holds 65,536 one-byte fragments of an
     * unfinished message: 2 MiB, 32 times --max-message. nk keeps one message array of at most
     * --max-message plus fixed per-connection buffers; keeping each fragment as an object would
     * take several MiB.
     */
    private static final long HEAP_BOUND = 2L << 20;

    private static Background server;

    @BeforeAll
    static void startServer() {
        server = Background.start("-v", "ws", "--listen", "0");
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "case {0} ({1}): {2}")
    @MethodSource("cases")
    void wsFrames(String number, String source, String title, Executable body) throws Throwable {
        body.execute();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // 1.x framing: every length form, both message types, echoed with the shortest form
                c("0300", "Autobahn 1.1.1/1.2.1", "0-byte text and binary messages", lengths(0)),
                c("0301", "Autobahn 1.1.2/1.2.2", "125-byte text and binary messages (7-bit length)", lengths(125)),
                c("0302", "Autobahn 1.1.3/1.2.3", "126-byte text and binary messages (16-bit length)", lengths(126)),
                c("0303", "Autobahn 1.1.4/1.2.4", "127-byte text and binary messages (16-bit length)", lengths(127)),
                c("0304", "Autobahn 1.1.6/1.2.6", "65,535-byte text and binary messages (largest 16-bit length)", lengths(65535)),
                c("0305", "Autobahn 1.1.7/1.2.7", "65,536-byte text and binary messages (64-bit length)", lengths(65536)),
                c("0306", "Autobahn 1.1.8", "65,536-byte text message written in 997-byte chops",
                        ok(List.of(text(stars(65536)).chopped(997), CLOSE), echo(stars(65536)))),
                c("0307", "RFC 6455 5.2", "a 5-byte payload in the 16-bit length form (not minimal) is accepted",
                        ok(List.of(lengthForm(0x81, utf8("Hello"), 2), lengthForm(0x82, utf8("bytes"), 2), CLOSE),
                                echo("Hello"), echoBinary(utf8("bytes")))),
                c("0308", "RFC 6455 5.2", "5- and 200-byte payloads in the 64-bit length form (not minimal) are accepted",
                        ok(List.of(lengthForm(0x81, utf8("Hello"), 8), lengthForm(0x81, utf8(stars(200)), 8), CLOSE),
                                echo("Hello"), echo(stars(200)))),
                // 2.x pings and pongs
                c("0310", "Autobahn 2.1", "ping without payload answered by an empty pong",
                        ok(List.of(ping(new byte[0]), CLOSE), pong(new byte[0]))),
                c("0311", "Autobahn 2.2", "ping with a small text payload answered with the same payload",
                        ok(List.of(ping(utf8(HELLO)), CLOSE), pong(utf8(HELLO)))),
                c("0312", "Autobahn 2.3", "ping with a small binary payload answered with the same payload",
                        ok(List.of(ping(hex("00fffefdfcfb00ff")), CLOSE), pong(hex("00fffefdfcfb00ff")))),
                c("0313", "Autobahn 2.4", "ping with a 125-byte payload answered",
                        ok(List.of(ping(filled(125, 0xfe)), CLOSE), pong(filled(125, 0xfe)))),
                c("0314", "Autobahn 2.5", "ping with a 126-byte payload refused with 1002",
                        refused(List.of(ping(filled(126, 0xfe)), text(HELLO)), 1002, "control frame of 126 bytes (at most 125)")),
                c("0315", "Autobahn 2.6", "ping with a 125-byte payload written one byte at a time",
                        ok(List.of(ping(filled(125, 0xfe)).chopped(1), CLOSE), pong(filled(125, 0xfe)))),
                c("0316", "Autobahn 2.7", "unsolicited pong without payload ignored", ok(List.of(pongFrame(new byte[0]), CLOSE))),
                c("0317", "Autobahn 2.8", "unsolicited pong with payload ignored",
                        ok(List.of(pongFrame(utf8("unsolicited pong payload")), CLOSE))),
                c("0318", "Autobahn 2.9", "unsolicited pong, then a ping: one pong, with the ping's payload",
                        ok(List.of(pongFrame(utf8("unsolicited pong payload")), ping(utf8("ping payload")), CLOSE),
                                pong(utf8("ping payload")))),
                c("0319", "Autobahn 2.10", "10 pings in a row answered by 10 pongs in order", tenPings()),
                // 3.x reserved bits: no extension is ever agreed, so any RSV bit is a protocol error
                c("0320", "Autobahn 3.1", "RSV3 set on a text frame (RSV = 1)", refused(List.of(frame(0x91, utf8(HELLO))), 1002, RSV)),
                c("0321", "Autobahn 3.2", "RSV2 set on a text frame after a good one, then a ping",
                        refused(List.of(text(HELLO), frame(0xa1, utf8(HELLO)), ping(new byte[0])), 1002, RSV, echo(HELLO))),
                c("0322", "Autobahn 3.3", "RSV2 and RSV3 set on a text frame after a good one, then a ping",
                        refused(List.of(text(HELLO), frame(0xb1, utf8(HELLO)), ping(new byte[0])), 1002, RSV, echo(HELLO))),
                c("0323", "Autobahn 3.5", "RSV1 set on a binary frame (RSV = 4)",
                        refused(List.of(frame(0xc2, hex("0001020304050607"))), 1002, RSV)),
                c("0324", "Autobahn 3.6", "RSV1 and RSV3 set on a ping (RSV = 5)", refused(List.of(frame(0xd9, utf8(HELLO))), 1002, RSV)),
                c("0325", "Autobahn 3.7", "RSV1 and RSV2 set on a close (RSV = 6)", refused(List.of(frame(0xe8, hex("03e8"))), 1002, RSV)),
                // 4.x reserved opcodes
                c("0326", "Autobahn 4.1.1", "reserved data opcode 3", badOpcode(3, false)),
                c("0327", "Autobahn 4.1.2", "reserved data opcode 4 with a payload", badOpcode(4, false)),
                c("0328", "Autobahn 4.1.3", "text, reserved data opcode 5, ping", badOpcode(5, true)),
                c("0329", "Autobahn 4.1.4", "text, reserved data opcode 6 with a payload, ping", badOpcode(6, true)),
                c("0330", "Autobahn 4.1.5", "text, reserved data opcode 7 with a payload, ping", badOpcode(7, true)),
                c("0331", "Autobahn 4.2.1", "reserved control opcode 11", badOpcode(11, false)),
                c("0332", "Autobahn 4.2.2", "reserved control opcode 12 with a payload", badOpcode(12, false)),
                c("0333", "Autobahn 4.2.3", "text, reserved control opcode 13, ping", badOpcode(13, true)),
                c("0334", "Autobahn 4.2.4", "text, reserved control opcode 14 with a payload, ping", badOpcode(14, true)),
                c("0335", "Autobahn 4.2.5", "text, reserved control opcode 15 with a payload, ping", badOpcode(15, true)),
                // 5.x fragmentation
                c("0336", "Autobahn 5.1", "ping fragmented in two refused with 1002",
                        refused(List.of(frame(0x09, utf8("fragment1")), frame(0x80, utf8("fragment2"))), 1002, "fragmented control frame")),
                c("0337", "Autobahn 5.2", "pong fragmented in two refused with 1002",
                        refused(List.of(frame(0x0a, utf8("fragment1")), frame(0x80, utf8("fragment2"))), 1002, "fragmented control frame")),
                c("0338", "Autobahn 5.3", "text message in two fragments reassembled",
                        ok(List.of(frame(0x01, utf8("fragment1")), frame(0x80, utf8("fragment2")), CLOSE), echo("fragment1fragment2"))),
                c("0339", "Autobahn 5.6", "ping between two fragments answered, and the message intact",
                        ok(List.of(frame(0x01, utf8("fragment1")), ping(utf8("pongme!")), frame(0x80, utf8("fragment2")), CLOSE),
                                pong(utf8("pongme!")), echo("fragment1fragment2"))),
                c("0340", "Autobahn 5.9", "final continuation frame with nothing to continue refused with 1002",
                        refused(List.of(frame(0x80, utf8("non-continuation payload")), text(HELLO)), 1002, NO_CONTINUATION)),
                c("0341", "Autobahn 5.12", "non-final continuation frame with nothing to continue refused with 1002",
                        refused(List.of(frame(0x00, utf8("non-continuation payload")), text(HELLO)), 1002, NO_CONTINUATION)),
                c("0342", "Autobahn 5.15", "a whole fragmented message, then a stray continuation: delivered, then 1002",
                        refused(List.of(frame(0x01, utf8("fragment1")), frame(0x80, utf8("fragment2")), frame(0x00, utf8("fragment3")),
                                frame(0x80, utf8("fragment4"))), 1002, NO_CONTINUATION, echo("fragment1fragment2"))),
                c("0343", "Autobahn 5.18", "a new text frame while a fragmented message is open refused with 1002",
                        refused(List.of(frame(0x01, utf8("fragment1")), frame(0x81, utf8("fragment2"))), 1002,
                                "a new message began before the fragmented one ended")),
                c("0344", "Autobahn 5.19", "text in 5 fragments with 2 pings between: pongs first, message intact",
                        ok(List.of(frame(0x01, utf8("fragment1")), frame(0x00, utf8("fragment2")), ping(utf8("pongme 1!")),
                                frame(0x00, utf8("fragment3")), frame(0x00, utf8("fragment4")), ping(utf8("pongme 2!")),
                                frame(0x80, utf8("fragment5")), CLOSE),
                                pong(utf8("pongme 1!")), pong(utf8("pongme 2!")), echo("fragment1fragment2fragment3fragment4fragment5"))),
                c("0345", "Autobahn 9.3.1, scaled", "1,000 fragments of 16 bytes reassembled into one message", thousandFragments()),
                // 6.x UTF-8
                c("0346", "Autobahn 6.2.1", "valid multi-byte UTF-8 in one frame",
                        ok(List.of(text("Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!"), CLOSE),
                                echo("Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!"))),
                c("0347", "Autobahn 6.2.3", "valid UTF-8 in one-byte fragments (code points split across fragments)", octetFragments()),
                c("0348", "Autobahn 6.2.2", "a 4-byte code point split 2/2 across a fragment boundary is accepted",
                        ok(List.of(frame(0x01, cat(utf8("a"), hex("f09f"))), frame(0x80, cat(hex("9880"), utf8("b"))), CLOSE),
                                echo("a\ud83d\ude00b"))),
                c("0349", "Autobahn 6.7/6.9/6.11.4/6.22", "first and last code points of each length, U+FFFF and U+10FFFF accepted",
                        ok(List.of(text(hex("007fc280dfbfe0a080efbfbff0908080f48fbfbf")), CLOSE),
                                new Reply(1, hex("007fc280dfbfe0a080efbfbff0908080f48fbfbf")))),
                c("0350", "Autobahn 6.3.1", "invalid UTF-8 (a surrogate inside κόσμε) in one frame refused with 1007",
                        refused(List.of(text(cat(KOSME, hex("eda080"), utf8("edited")))), 1007, BAD_TEXT)),
                c("0351", "Autobahn 6.4.1", "invalid UTF-8 in the middle fragment of three refused with 1007",
                        refused(List.of(frame(0x01, KOSME), frame(0x00, hex("f4908080")), frame(0x80, utf8("edited"))), 1007, BAD_TEXT)),
                c("0352", "Autobahn 6.4.2", "invalid UTF-8 split across fragment boundaries refused with 1007",
                        refused(List.of(frame(0x01, cat(KOSME, hex("f4"))), frame(0x00, hex("90")), frame(0x80, cat(hex("8080"), utf8("edited")))),
                                1007, BAD_TEXT)),
                c("0353", "Autobahn 6.8.1", "5-byte sequence refused with 1007", badText("f888808080")),
                c("0354", "Autobahn 6.17.1", "overlong '/' in 2 bytes refused with 1007", badText("c0af")),
                c("0355", "Autobahn 6.17.2", "overlong '/' in 3 bytes refused with 1007", badText("e080af")),
                c("0356", "Autobahn 6.17.3", "overlong '/' in 4 bytes refused with 1007", badText("f08080af")),
                c("0357", "Autobahn 6.20.1", "surrogate U+D800 encoded in UTF-8 refused with 1007", badText("eda080")),
                c("0358", "Autobahn 6.21.1", "paired surrogates U+D800 U+DC00 encoded in UTF-8 refused with 1007", badText("eda080edb080")),
                c("0359", "Autobahn 6.11.5", "U+110000, above U+10FFFF, refused with 1007", badText("f4908080")),
                c("0360", "Autobahn 6.14.7", "a message ending in a sequence with its last byte missing refused with 1007",
                        badText("cebae1bdb9cf83cebcceb5efbf")),
                c("0361", "Autobahn 6.12.1", "a lone continuation byte refused with 1007", badText("80")),
                // 7.x closing
                c("0362", "Autobahn 7.3.1", "close with an empty payload answered with 1000", ok(List.of(frame(0x88, new byte[0])))),
                c("0363", "Autobahn 7.3.2", "close with a 1-byte payload refused with 1002",
                        refused(List.of(frame(0x88, hex("03"))), 1002, "close frame with a 1-byte payload")),
                c("0364", "Autobahn 7.3.5", "close 1000 with a 123-byte reason (the most that fits) echoed",
                        ok(List.of(close(1000, utf8(stars(123)))))),
                c("0365", "Autobahn 7.3.6", "close with a 124-byte reason (a 126-byte control frame) refused with 1002",
                        refused(List.of(close(1000, utf8(stars(124)))), 1002, "control frame of 126 bytes (at most 125)")),
                c("0366", "Autobahn 7.5.1", "close reason that is not UTF-8 refused with 1007",
                        refused(List.of(close(1000, cat(KOSME, hex("eda080"), utf8("edited")))), 1007, "close reason is not valid UTF-8")),
                c("0367", "Autobahn 7.7.1/7.7.2/7.7.10/7.7.13", "close codes 1000, 1001, 3000 and 4999 echoed and reported",
                        WsFrameCases::validCloseCodes),
                c("0368", "Autobahn 7.9.x/7.13.1", "close codes 0, 999, 1004, 1005, 1006, 1015, 1016, 2999 and 5000 refused with 1002",
                        WsFrameCases::invalidCloseCodes),
                c("0369", "Autobahn 7.1.3/7.1.4", "a text and a ping after the close frame ignored",
                        ok(List.of(CLOSE, text("after the close"), ping(utf8("after the close"))))),
                c("0370", "RFC 6455 7.1.6", "a close reason with terminal escape sequences shown escaped", WsFrameCases::closeReasonEscaped),
                // 9.x limits
                c("0371", "Autobahn 9.x, limits", "a header claiming 2^63-1 bytes refused with 1009 before allocating",
                        refused(List.of(claiming(0x82, Long.MAX_VALUE), text(HELLO)), 1009, DEFAULT_LIMIT)),
                c("0372", "RFC 6455 5.2", "a 64-bit length with the most significant bit set refused with 1002",
                        refused(List.of(claiming(0x82, Long.MIN_VALUE + 5), text(HELLO)), 1002, "frame length with the most significant bit set")),
                c("0373", "Autobahn 9.1/9.2, scaled", "--max-message 65536: a 65,536-byte message passes, a 65,537-byte one gets 1009",
                        WsFrameCases::maxMessageExceededByOne),
                c("0374", "Autobahn 9.x, limits", "100,000 one-byte fragments stop at --max-message 65536 with bounded heap",
                        WsFrameCases::hundredThousandFragments),
                c("0375", "Autobahn 9.x, limits", "a continuation claiming 2^63-1 bytes after a 10-byte fragment refused with 1009",
                        refused(List.of(frame(0x01, utf8("0123456789")), claiming(0x80, Long.MAX_VALUE), text(HELLO)), 1009, DEFAULT_LIMIT)),
                // masking
                c("0376", "RFC 6455 5.1", "unmasked client frames refused by nk ws --listen with 1002", WsFrameCases::unmaskedClientFrames),
                c("0377", "RFC 6455 5.1", "masked server frames refused by the nk client with 1002, exit 6", WsFrameCases::maskedServerFrames),
                c("0378", "RFC 6455 4.1/4.2.1", "remote text in the opening handshake is escaped on stderr, in both roles",
                        WsFrameCases::handshakeTextEscaped));
    }

    private static Arguments c(String number, String source, String title, Executable body) {
        return Arguments.of(number, source, title, body);
    }

    // --- scripts: what the peer sends, what nk must answer

    /** One frame the scripted peer sends, encoded for its role (a client masks); {@code chop} > 0 writes it that many bytes at a time. */
    record Wire(Encoder encoder, int chop) {
        interface Encoder {
            byte[] encode(boolean mask);
        }

        Wire chopped(int bytes) {
            return new Wire(encoder, bytes);
        }
    }

    /** A frame nk sends back: an echo (opcode 1 or 2, the nk server only; the client prints it) or a pong. */
    record Reply(int opcode, byte[] payload) {
        String describe() {
            HexFormat hex = HexFormat.of();
            return opcode + ":" + payload.length + ":" + (payload.length <= 32 ? hex.formatHex(payload)
                    : hex.formatHex(payload, 0, 32) + "...#" + Integer.toHexString(Arrays.hashCode(payload)));
        }
    }

    /**
     * The peer sends {@code frames}; nk answers with {@code replies} and then a close frame with {@code close}. {@code error} null:
     * a clean exchange (the client exits 0, silently); else the message nk reports (the client exits 6).
     */
    record Script(List<Wire> frames, List<Reply> replies, int close, String error) implements Executable {
        @Override
        public void execute() throws Exception {
            asClient(this);
            asServer(server, this);
        }

        int exitCode() {
            return error == null ? 0 : 6;
        }

        String stderr() {
            return error == null ? "" : "nk: ws: the server broke the protocol: " + error + "; closed with " + close + "\n";
        }
    }

    private static Script ok(List<Wire> frames, Reply... replies) {
        return new Script(frames, List.of(replies), 1000, null);
    }

    private static Script refused(List<Wire> frames, int close, String error, Reply... before) {
        return new Script(frames, List.of(before), close, error);
    }

    private static Script lengths(int n) {
        byte[] binary = filled(n, 0xfe);
        return ok(List.of(text(stars(n)), binary(binary), CLOSE), echo(stars(n)), echoBinary(binary));
    }

    private static Script badOpcode(int opcode, boolean betweenGoodFrames) {
        Wire bad = frame(0x80 | opcode, opcode % 2 == 0 ? utf8("reserved opcode payload") : new byte[0]);
        String error = "unknown opcode 0x" + Integer.toHexString(opcode);
        return betweenGoodFrames ? refused(List.of(text(HELLO), bad, ping(new byte[0])), 1002, error, echo(HELLO))
                : refused(List.of(bad), 1002, error);
    }

    private static Script badText(String hexBytes) {
        return refused(List.of(text(hex(hexBytes))), 1007, BAD_TEXT);
    }

    private static Script tenPings() {
        List<Wire> frames = new ArrayList<>();
        List<Reply> pongs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            frames.add(ping(utf8("payload-" + i)));
            pongs.add(pong(utf8("payload-" + i)));
        }
        frames.add(CLOSE);
        return new Script(frames, pongs, 1000, null);
    }

    private static Script thousandFragments() {
        List<Wire> frames = new ArrayList<>();
        StringBuilder whole = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            String piece = "%015d.".formatted(i);
            whole.append(piece);
            frames.add(frame((i == 0 ? 0x01 : 0x00) | (i == 999 ? 0x80 : 0), utf8(piece)));
        }
        frames.add(CLOSE);
        return ok(frames, echo(whole.toString()));
    }

    private static Script octetFragments() {
        byte[] text = utf8("Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!! \u03ba\u1f79\u03c3\u03bc\u03b5 \ud83d\ude00");
        List<Wire> frames = new ArrayList<>();
        for (int i = 0; i < text.length; i++) {
            frames.add(frame((i == 0 ? 0x01 : 0x00) | (i == text.length - 1 ? 0x80 : 0), new byte[] {text[i]}));
        }
        frames.add(CLOSE);
        return ok(frames, new Reply(1, text));
    }

    private static final Wire CLOSE = close(1000, new byte[0]);

    private static Wire frame(int b0, byte[] payload) {
        return new Wire(mask -> RawWsPeer.frame(b0, payload, mask), 0);
    }

    private static Wire lengthForm(int b0, byte[] payload, int lengthBytes) {
        return new Wire(mask -> RawWsPeer.frame(b0, payload, mask, lengthBytes), 0);
    }

    /** A header claiming {@code length} bytes that never follow. */
    private static Wire claiming(int b0, long length) {
        return new Wire(mask -> RawWsPeer.header(b0, length, mask), 0);
    }

    private static Wire text(String s) {
        return frame(0x81, utf8(s));
    }

    private static Wire text(byte[] bytes) {
        return frame(0x81, bytes);
    }

    private static Wire binary(byte[] bytes) {
        return frame(0x82, bytes);
    }

    private static Wire ping(byte[] payload) {
        return frame(0x89, payload);
    }

    private static Wire pongFrame(byte[] payload) {
        return frame(0x8a, payload);
    }

    private static Wire close(int code, byte[] reason) {
        return frame(0x88, cat(new byte[] {(byte) (code >>> 8), (byte) code}, reason));
    }

    private static Reply echo(String text) {
        return new Reply(1, utf8(text));
    }

    private static Reply echoBinary(byte[] bytes) {
        return new Reply(2, bytes);
    }

    private static Reply pong(byte[] payload) {
        return new Reply(10, payload);
    }

    // --- the two roles

    /** nk ws (client) against a raw server that sends the script's frames unmasked. */
    private static void asClient(Script s, String... options) throws Exception {
        asClient(s, s.exitCode(), s.stderr(), options);
    }

    private static void asClient(Script s, int exitCode, String stderr, String... options) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); BlockingInput stdin = new BlockingInput()) {
            CompletableFuture<List<RawWsPeer.Frame>> fromNk = new CompletableFuture<>();
            CompletableFuture<Boolean> hungUp = new CompletableFuture<>();
            Accept.once(listener, socket -> {
                try {
                    RawWsPeer peer = RawWsPeer.serverHandshake(socket);
                    sendInBackground(peer, s.frames(), false);
                    fromNk.complete(peer.readUntilClose(MAX_FRAMES));
                    hungUp.complete(peer.closedByPeer());
                } catch (Throwable t) {
                    fromNk.completeExceptionally(t);
                    hungUp.completeExceptionally(t);
                }
            });
            List<String> args = new ArrayList<>(List.of("ws"));
            args.addAll(List.of(options));
            args.add("ws://127.0.0.1:" + listener.getLocalPort() + "/");
            NkRun.Result r = NkRun.run(stdin, args.toArray(String[]::new));
            List<RawWsPeer.Frame> frames = fromNk.get(5, TimeUnit.SECONDS);
            assertWellFramed(frames, true);
            assertEquals(describe(s.replies().stream().filter(reply -> reply.opcode() == 10).toList()),
                    describe(frames.subList(0, frames.size() - 1)), "pongs from the nk client");
            assertEquals(s.close(), frames.getLast().closeCode(), "the nk client's close code; " + r);
            assertTrue(hungUp.get(5, TimeUnit.SECONDS), "the nk client hangs up after its close frame");
            assertEquals(exitCode, r.code(), r.toString());
            assertArrayEquals(printed(s.replies()), r.stdout(), "stdout: " + r);
            assertEquals(stderr, r.stderr());
        }
    }

    /** A raw client sends the script's frames masked to {@code nk ws --listen}; the server must answer, drop it and go on. */
    private static void asServer(Background nk, Script s) throws Exception {
        int logFrom = nk.stderr().length();
        try (RawWsPeer peer = RawWsPeer.connect(nk.port())) {
            sendInBackground(peer, s.frames(), true);
            List<RawWsPeer.Frame> frames = peer.readUntilClose(MAX_FRAMES);
            assertWellFramed(frames, false);
            assertEquals(describe(s.replies()), describe(frames.subList(0, frames.size() - 1)), "echoes and pongs from the nk server");
            assertEquals(s.close(), frames.getLast().closeCode(), "the nk server's close code");
            assertTrue(peer.closedByPeer(), "the nk server hangs up after its close frame");
        }
        if (s.error() != null) {
            assertServerLogged(nk, logFrom, s.error() + "; closed with " + s.close());
        }
        assertStillEchoes(nk);
    }

    /** Writes on a virtual thread, so nk's answers are read while a long script is still going out; a refused peer may hang up mid-way. */
    private static void sendInBackground(RawWsPeer peer, List<Wire> frames, boolean mask) {
        Thread.ofVirtual().start(() -> {
            try {
                ByteArrayOutputStream pending = new ByteArrayOutputStream();
                for (Wire w : frames) {
                    byte[] bytes = w.encoder().encode(mask);
                    if (w.chop() == 0) {
                        pending.writeBytes(bytes);
                        continue;
                    }
                    peer.send(pending.toByteArray());
                    pending.reset();
                    peer.send(bytes, w.chop());
                }
                peer.send(pending.toByteArray());
            } catch (IOException e) {
                // nk hung up on a script it refused: expected, and the reader side checks what nk said
            }
        });
    }

    /** Every frame nk sent: final (nk never fragments by default), no RSV bit, masked only by a client, the shortest length form. */
    private static void assertWellFramed(List<RawWsPeer.Frame> frames, boolean fromClient) {
        for (RawWsPeer.Frame f : frames) {
            String what = "frame with opcode " + f.opcode() + " and " + f.payload().length + " bytes";
            assertTrue(f.fin(), what + ": FIN");
            assertEquals(0, f.rsv(), what + ": RSV bits");
            assertEquals(fromClient, f.masked(), what + ": masked");
            assertTrue(f.minimalLength(), what + ": length in " + f.lengthBytes() + " extra bytes");
        }
    }

    private static void assertServerLogged(Background nk, int from, String needle) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!nk.stderr().substring(from).contains(needle) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(nk.stderr().substring(from).contains(needle), "server log lacks '" + needle + "': " + nk.stderr().substring(from));
    }

    /** A fresh, well-behaved client still gets its echo. */
    private static void assertStillEchoes(Background nk) throws IOException {
        try (RawWsPeer peer = RawWsPeer.connect(nk.port())) {
            peer.send(RawWsPeer.frame(0x81, utf8("still serving"), true));
            RawWsPeer.Frame echo = peer.readFrame();
            assertEquals("1:still serving", echo.opcode() + ":" + new String(echo.payload(), StandardCharsets.UTF_8));
            peer.send(RawWsPeer.frame(0x88, hex("03e8"), true));
            assertEquals(1000, peer.readCloseCode());
        }
    }

    // --- cases that need more than one script

    private static void validCloseCodes() throws Exception {
        for (int code : new int[] {1000, 1001, 3000, 4999}) {
            Script s = new Script(List.of(close(code, utf8("bye"))), List.of(), code, null);
            boolean normal = code < 3000;
            asClient(s, normal ? 0 : 6, normal ? "" : "nk: ws: the server closed with " + code + " (bye)\n");
            asServer(server, s);
        }
    }

    private static void invalidCloseCodes() throws Exception {
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
            refused(List.of(close(code, new byte[0])), 1002, "close frame with the invalid code " + code).execute();
        }
    }

    /** A hostile peer's close reason must not drive the terminal: ESC and BEL are shown as \xNN, in the client's error and the server's log. */
    private static void closeReasonEscaped() throws Exception {
        Script s = new Script(List.of(close(4000, utf8("\u001b]0;owned\u0007\u001b[2J"))), List.of(), 4000, null);
        String shown = "closed with 4000 (\\x1b]0;owned\\x07\\x1b[2J)";
        asClient(s, 6, "nk: ws: the server " + shown + "\n");
        int logFrom = server.stderr().length();
        asServer(server, s);
        assertServerLogged(server, logFrom, shown);
        assertFalse(server.stderr().contains("\u001b"), "an ESC reached the server's stderr");
    }

    private static void maxMessageExceededByOne() throws Exception {
        byte[] limit = filled(65536, 'm');
        Script s = refused(List.of(binary(limit), binary(filled(65537, 'o')), text(HELLO)), 1009,
                "message larger than --max-message 65536 bytes", echoBinary(limit));
        asClient(s, "--max-message", "65536");
        try (Background limited = Background.start("-v", "ws", "--listen", "--max-message", "65536", "0")) {
            asServer(limited, s);
            NkRun.Result next = NkRun.run("ws", "--send", "after the big one", "--count", "1", "ws://" + limited.address() + "/");
            assertEquals(0, next.code(), next.toString());
            assertEquals("after the big one\n", next.out());
        }
    }

    /**
     * 65,536 one-byte fragments fill a message up to --max-message 65536; a ping after them proves nk consumed them all
     * (its pong comes back in order), and the heap then held is measured; the 65,537th fragment gets 1009.
     */
    private static void hundredThousandFragments() throws Exception {
        int limit = 65536;
        int total = 100_000;
        try (Background limited = Background.start("ws", "--listen", "--max-message", String.valueOf(limit), "0");
                RawWsPeer peer = RawWsPeer.connect(limited.port())) {
            long before = usedHeapAfterGc();
            peer.send(oneByteFragments(0, limit, true));
            peer.send(RawWsPeer.frame(0x89, utf8("counted"), true));
            RawWsPeer.Frame pong = peer.readFrame();
            assertEquals("10:counted", pong.opcode() + ":" + new String(pong.payload(), StandardCharsets.UTF_8));
            long held = usedHeapAfterGc() - before;
            Thread.ofVirtual().start(() -> {
                try {
                    peer.send(oneByteFragments(limit, total - limit, true));
                } catch (IOException e) {
                    // the server hung up after its 1009, with fragments still coming: expected
                }
            });
            assertEquals(1009, peer.readCloseCode(), "the nk server's close code");
            assertTrue(peer.closedByPeer());
            assertTrue(held < HEAP_BOUND, "the nk server held " + held + " bytes of heap for a 64 KiB message in 65,536 fragments");
            assertStillEchoes(limited);
        }

        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); BlockingInput stdin = new BlockingInput()) {
            CountDownLatch counted = new CountDownLatch(1);
            CountDownLatch measured = new CountDownLatch(1);
            CompletableFuture<Integer> closeCode = new CompletableFuture<>();
            Accept.once(listener, socket -> {
                try {
                    RawWsPeer peer = RawWsPeer.serverHandshake(socket);
                    peer.send(oneByteFragments(0, limit, false));
                    peer.send(RawWsPeer.frame(0x89, utf8("counted"), false));
                    RawWsPeer.Frame pong = peer.readFrame();
                    if (pong.opcode() != 10) {
                        throw new AssertionError("expected a pong, got opcode " + pong.opcode());
                    }
                    counted.countDown();
                    measured.await(5, TimeUnit.SECONDS);
                    sendInBackground(peer, List.of(new Wire(mask -> oneByteFragments(limit, total - limit, mask), 0)), false);
                    closeCode.complete(peer.readCloseCode());
                } catch (Throwable t) {
                    closeCode.completeExceptionally(t);
                    counted.countDown();
                }
            });
            long before = usedHeapAfterGc();
            CompletableFuture<NkRun.Result> run;
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                run = CompletableFuture.supplyAsync(() -> NkRun.run(stdin, "ws", "--max-message", String.valueOf(limit),
                        "ws://127.0.0.1:" + listener.getLocalPort() + "/"), executor);
                assertTrue(counted.await(5, TimeUnit.SECONDS), "the nk client answered the ping after 65,536 fragments");
                long held = usedHeapAfterGc() - before;
                measured.countDown();
                assertEquals(1009, closeCode.get(5, TimeUnit.SECONDS), "the nk client's close code");
                NkRun.Result r = run.get(5, TimeUnit.SECONDS);
                assertEquals(6, r.code(), r.toString());
                assertEquals("nk: ws: the server broke the protocol: message larger than --max-message 65536 bytes; closed with 1009\n",
                        r.stderr());
                assertTrue(held < HEAP_BOUND, "the nk client held " + held + " bytes of heap for a 64 KiB message in 65,536 fragments");
            }
        }
    }

    private static void unmaskedClientFrames() throws Exception {
        String error = "unmasked frame from the client (RFC 6455 5.1)";
        Wire unmaskedText = new Wire(mask -> RawWsPeer.frame(0x81, utf8(HELLO), false), 0);
        Wire unmaskedPing = new Wire(mask -> RawWsPeer.frame(0x89, utf8("ping"), false), 0);
        asServer(server, refused(List.of(unmaskedText), 1002, error));
        asServer(server, refused(List.of(text(HELLO), unmaskedPing), 1002, error, echo(HELLO)));
        NkRun.Result next = NkRun.run("ws", "--send", "still here", "--count", "1", "ws://" + server.address() + "/");
        assertEquals(0, next.code(), next.toString());
        assertEquals("still here\n", next.out());
    }

    private static void maskedServerFrames() throws Exception {
        String error = "masked frame from the server (RFC 6455 5.1)";
        Wire maskedText = new Wire(mask -> RawWsPeer.frame(0x81, utf8(HELLO), true), 0);
        Wire maskedClose = new Wire(mask -> RawWsPeer.frame(0x88, hex("03e8"), true), 0);
        asClient(refused(List.of(maskedText), 1002, error));
        asClient(refused(List.of(text(HELLO), maskedClose), 1002, error, echo(HELLO)));
    }

    private static void handshakeTextEscaped() throws Exception {
        assertClientRefused(key -> "HTTP/1.1 403 \u001b[2JForbidden\r\nContent-Length: 0\r\n\r\n",
                "handshake refused: HTTP 403 \\x1b[2JForbidden");
        assertClientRefused(key -> "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + Handshake.accept(key) + "\r\nSec-WebSocket-Protocol: \u001b]0;owned\u0007\r\n\r\n",
                "control character 0x1B in the value of the 'Sec-WebSocket-Protocol' field");
        String upgrade = "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        int logFrom = server.stderr().length();
        assertServerAnswers("GET /\u001b[2J HTTP/1.1\r\n" + upgrade + "Sec-WebSocket-Version: 13\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n");
        assertServerAnswers("GET / HTTP/1.1\r\n" + upgrade + "Sec-WebSocket-Version: 8\u001b[2J\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n");
        assertServerLogged(server, logFrom, "control or non-ASCII characters in the request target (RFC 9112 3.2)");
        assertServerLogged(server, logFrom, "control character 0x1B in the value of the 'Sec-WebSocket-Version' field");
        assertFalse(server.stderr().contains("\u001b"), "an ESC reached the server's stderr");
        assertStillEchoes(server);
    }

    /** The nk client against a server that answers the upgrade request (whose key it gets) with {@code answer}. */
    private static void assertClientRefused(java.util.function.Function<String, String> answer, String message) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Accept.once(listener, socket -> {
                String key = RawWsPeer.keyOf(RawWsPeer.readHead(socket.getInputStream()));
                socket.getOutputStream().write(answer.apply(key).getBytes(StandardCharsets.ISO_8859_1));
                socket.getInputStream().read(); // until nk hangs up
            });
            NkRun.Result r = NkRun.run("ws", "--send", "x", "ws://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals(6, r.code(), r.toString());
            assertEquals("nk: ws: " + message + "\n", r.stderr());
        }
    }

    private static void assertServerAnswers(String request, String status) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith(status), answer);
            assertFalse(answer.contains("\u001b"), "the answer echoes an ESC: " + answer);
        }
    }

    // --- bytes

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** {@code count} non-final one-byte fragments of a binary message, the first starting it when {@code from} is 0. */
    private static byte[] oneByteFragments(int from, int count, boolean mask) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(count * 7);
        for (int i = from; i < from + count; i++) {
            out.writeBytes(RawWsPeer.frame(i == 0 ? 0x02 : 0x00, new byte[] {(byte) i}, mask));
        }
        return out.toByteArray();
    }

    /** What the nk client prints for the echoes among {@code replies}: each payload and a newline. */
    private static byte[] printed(List<Reply> replies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Reply r : replies) {
            if (r.opcode() == 1 || r.opcode() == 2) {
                out.writeBytes(r.payload());
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    private static List<String> describe(List<?> frames) {
        return frames.stream().map(f -> f instanceof RawWsPeer.Frame frame ? new Reply(frame.opcode(), frame.payload()).describe()
                : ((Reply) f).describe()).toList();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static String stars(int n) {
        return "*".repeat(n);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
