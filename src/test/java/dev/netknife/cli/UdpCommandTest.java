package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NkRun;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** nk udp end to end on loopback: nk client against nk's server and against scripted Java servers. */
class UdpCommandTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eachStdinLineIsOneDatagramAndEachReplyOneLine() throws Exception {
        try (Background server = Background.start("udp", "--listen", "--echo", "--prefix", "Echo: ", "0")) {
            NkRun.Result r = NkRun.run(bytes("hello\r\nworld\n\nlast"), "udp", "--count", "3", "127.0.0.1", String.valueOf(server.port()));
            assertEquals(0, r.code(), r.toString());
            assertEquals("Echo: hello\nEcho: world\nEcho: last\n", r.out(), "the empty line is not sent");
            assertEquals("", r.stderr());
            server.stop();
            assertTrue(server.stderr().contains("stopped: 3 datagrams, 14 B in, 3 echoed (32 B)"), server.stderr());
        }
    }

    @Test
    void serverPrintsSourceSizeAndTextOfEachDatagram() throws Exception {
        try (Background server = Background.start("udp", "--listen", "0");
             DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            send(client, server.port(), bytes("hi there\n"));
            send(client, server.port(), new byte[] {'a', 0x1b, '[', '2', 'J'});
            String[] lines = server.stdoutLines().awaitLines(3, Duration.ofSeconds(5));
            String from = "127.0.0.1:" + client.getLocalPort();
            assertEquals(from + " 9 B: hi there", lines[1]);
            assertEquals(from + " 5 B: a\\x1b[2J", lines[2], "escape sequences are shown, not obeyed");
        }
    }

    @Test
    void serverHexAndJsonLines() throws Exception {
        try (Background hex = Background.start("udp", "--listen", "--hex", "0");
             Background json = Background.start("--json", "udp", "--listen", "0");
             DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            send(client, hex.port(), new byte[] {0, 1, 'A'});
            assertTrue(hex.stdoutLines().await("00 01 41", Duration.ofSeconds(5)), hex.stdout());
            send(client, json.port(), bytes("caf\u00e9"));
            send(client, json.port(), new byte[] {(byte) 0xff, 0});
            String[] lines = json.stdoutLines().awaitLines(3, Duration.ofSeconds(5));
            String from = "\"from\":\"127.0.0.1:" + client.getLocalPort() + "\"";
            assertTrue(lines[1].contains("\"event\":\"datagram\"") && lines[1].contains(from)
                    && lines[1].contains("\"size\":5") && lines[1].contains("\"text\":\"caf\u00e9\""), lines[1]);
            assertTrue(lines[2].contains("\"hex\":\"ff00\""), lines[2]);
            json.stop();
            assertTrue(json.stdout().contains("\"event\":\"summary\",\"datagrams\":2,\"bytes_in\":7"), json.stdout());
        }
    }

    @Test
    void sendTextsThenWaitForTheRepliesAfterStdinIsDone() throws Exception {
        // the server answers late: the client must still be waiting
        try (ScriptedServer server = new ScriptedServer((socket, packet) -> {
            sleep(300);
            reply(socket, packet, packet.getData(), packet.getLength());
        })) {
            NkRun.Result r = NkRun.run("udp", "--send", "one", "--send", "two\\x21", "--count", "2", "127.0.0.1", server.port());
            assertEquals(0, r.code(), r.toString());
            assertEquals("one\ntwo!\n", r.out());
        }
    }

    @Test
    void lossAgainstAServerThatDropsEveryOtherDatagram() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        try (ScriptedServer server = new ScriptedServer((socket, packet) -> {
            if (seen.incrementAndGet() % 2 == 1) {
                reply(socket, packet, packet.getData(), packet.getLength());
            }
        })) {
            NkRun.Result some = NkRun.run(bytes("a\nb\nc\nd\n"), "udp", "--timeout", "300ms", "127.0.0.1", server.port());
            assertEquals(0, some.code(), "some replies came: " + some);
            assertEquals("a\nc\n", some.out());

            NkRun.Result counted = NkRun.run(bytes("e\nf\ng\nh\n"), "udp", "--count", "4", "--timeout", "300ms", "127.0.0.1", server.port());
            assertEquals(124, counted.code(), counted.toString());
            assertEquals("e\ng\n", counted.out());
            assertTrue(counted.stderr().contains("2 of 4 replies within 300ms after the last datagram"), counted.stderr());
        }
    }

    @Test
    void noReplyAtAllIsATimeout() throws Exception {
        try (ScriptedServer silent = new ScriptedServer((socket, packet) -> { })) {
            NkRun.Result r = NkRun.run("--json", "udp", "--send", "anyone?", "--timeout", "200ms", "127.0.0.1", silent.port());
            assertEquals(124, r.code(), r.toString());
            assertTrue(r.out().contains("\"exit_code\":124") && r.out().contains("\"phase\":\"first-byte\"")
                    && r.out().contains("\"sent\":1,\"received\":0"), r.out());
        }
    }

    @Test
    void timeoutZeroIsFireAndForget() throws Exception {
        java.util.concurrent.CopyOnWriteArrayList<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ScriptedServer silent = new ScriptedServer((socket, packet) ->
                got.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8)))) {
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run(bytes("deploys:1|c\n"), "udp", "--timeout", "0", "127.0.0.1", silent.port());
            assertEquals(0, r.code(), r.toString());
            assertTrue(System.nanoTime() - start < 2_000_000_000L, "no wait for a reply");
            long until = System.nanoTime() + 2_000_000_000L;
            while (got.isEmpty() && System.nanoTime() < until) {
                sleep(10);
            }
            assertEquals(java.util.List.of("deploys:1|c"), got);
            assertEquals(124, NkRun.run("udp", "--send", "x", "--count", "1", "--timeout", "0", "127.0.0.1", silent.port()).code(),
                    "--count still asks for replies");
        }
    }

    @Test
    void binaryRepliesAreWrittenRawWithoutANewline() throws Exception {
        try (Background server = Background.start("udp", "--listen", "--echo", "0")) {
            byte[] payload = new byte[1000];
            new java.util.Random(7).nextBytes(payload);
            NkRun.Result r = NkRun.run(payload, "udp", "--binary", "--count", "1", "127.0.0.1", String.valueOf(server.port()));
            assertEquals(0, r.code(), r.toString());
            org.junit.jupiter.api.Assertions.assertArrayEquals(payload, r.stdout());
        }
    }

    @Test
    void expectMatchesOneReplyOrExitsSeven() throws Exception {
        try (Background server = Background.start("udp", "--listen", "--echo", "0")) {
            String port = String.valueOf(server.port());
            NkRun.Result matched = NkRun.run(bytes("ping\npong\n"), "udp", "--expect", "^po", "127.0.0.1", port);
            assertEquals(0, matched.code(), matched.toString());
            assertTrue(matched.out().endsWith("pong\n"), matched.out());
            NkRun.Result missed = NkRun.run("udp", "--send", "ping", "--expect", "pong", "--timeout", "200ms", "127.0.0.1", port);
            assertEquals(7, missed.code(), missed.toString());
            assertTrue(missed.stderr().contains("no reply matched 'pong' (1 reply from 127.0.0.1:" + port + ")"), missed.stderr());
        }
    }

    @Test
    void portUnreachableIsExitFour() throws Exception {
        int closed;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        NkRun.Result r = NkRun.run("udp", "--send", "x", "--send", "y", "--timeout", "2s", "127.0.0.1", String.valueOf(closed));
        assertEquals(4, r.code(), r.toString());
        assertEquals("nk: udp: port unreachable: nothing listens on UDP 127.0.0.1:" + closed + "\n", r.stderr());
    }

    @Test
    void largestDatagramGoesThroughAndOneByteMoreIsRefused() throws Exception {
        byte[] largest = new byte[65_507];
        new Random(7).nextBytes(largest);
        try (Background server = Background.start("udp", "--listen", "--echo", "0")) {
            String port = String.valueOf(server.port());
            NkRun.Result r = NkRun.run(largest, "udp", "--binary", "--count", "1", "--hex", "127.0.0.1", port);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("< 0000ffd0"), "hex dump reaches the last row");

            NkRun.Result raw = NkRun.run(largest, "udp", "--binary", "--count", "1", "127.0.0.1", port);
            assertArrayEquals(largest, raw.stdout()); // --binary: the reply as it came, no newline

            NkRun.Result tooBig = NkRun.run("udp", "--send", "x".repeat(65_508), "127.0.0.1", port);
            assertEquals(2, tooBig.code(), tooBig.toString());
            assertTrue(tooBig.stderr().contains("65508 bytes is over the limit of 65507 bytes"), tooBig.stderr());

            NkRun.Result longLine = NkRun.run(bytes("x".repeat(70_000) + "\n"), "udp", "127.0.0.1", port);
            assertEquals(1, longLine.code(), longLine.toString());
            assertTrue(longLine.stderr().contains("longer than 65507 bytes"), longLine.stderr());
        }
    }

    @Test
    void serverDropsOversizedAndOverRateDatagramsAndGoesOn() throws Exception {
        try (Background server = Background.start("-v", "udp", "--listen", "--echo", "--max-datagram", "8", "--rate", "3/m", "0");
             DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(2000);
            send(client, server.port(), bytes("far too long"));
            send(client, server.port(), bytes("ok"));
            assertEquals("ok", receive(client));
            send(client, server.port(), bytes("two"));
            send(client, server.port(), bytes("three"));
            assertEquals("two", receive(client));
            assertEquals("three", receive(client));
            send(client, server.port(), bytes("four"));
            assertTrue(server.stderrLines().await("over 3/m", Duration.ofSeconds(5)), server.stderr());
            server.stop();
            assertTrue(server.stderr().contains("larger than 8 bytes"), server.stderr());
            assertTrue(server.stderr().contains("stopped: 3 datagrams, 10 B in, 3 echoed (10 B), dropped 1 oversized and 1 over the rate"),
                    server.stderr());
        }
    }

    @Test
    void ipv6Loopback() throws Exception {
        try (Background server = Background.start("udp", "--listen", "-6", "--echo", "0")) {
            assertTrue(server.address().startsWith("[::1]:"), server.address());
            NkRun.Result r = NkRun.run(bytes("over six\n"), "udp", "-6", "--count", "1", "::1", String.valueOf(server.port()));
            assertEquals(0, r.code(), r.toString());
            assertEquals("over six\n", r.out());
            NkRun.Result bracketed = NkRun.run("udp", "--send", "v6", "--count", "1", "[::1]:" + server.port());
            assertEquals("v6\n", bracketed.out(), bracketed.toString());
        }
    }

    @Test
    void jsonLinePerReplyThenTheResult() throws Exception {
        try (Background server = Background.start("udp", "--listen", "--echo", "0")) {
            NkRun.Result r = NkRun.run("--json", "udp", "--send", "a", "--send", "\\xff", "--count", "2", "127.0.0.1", String.valueOf(server.port()));
            assertEquals(0, r.code(), r.toString());
            String[] lines = r.out().split("\n");
            assertEquals(3, lines.length, r.out());
            assertTrue(lines[0].contains("\"event\":\"reply\"") && lines[0].contains("\"size\":1") && lines[0].contains("\"rtt_ms\":")
                    && lines[0].contains("\"text\":\"a\""), lines[0]);
            assertTrue(lines[1].contains("\"hex\":\"ff\""), lines[1]);
            assertTrue(lines[2].contains("\"ok\":true") && lines[2].contains("\"udp\":{\"outcome\":\"count_reached\",\"sent\":2,\"received\":2"),
                    lines[2]);
        }
    }

    @Test
    void badInputIsAUsageError() {
        assertUsage("nk: udp: --echo needs --listen", "udp", "--echo", "127.0.0.1", "9");
        assertUsage("nk: udp: --count is for the client; drop --listen", "udp", "--listen", "--count", "2", "0");
        assertUsage("nk: udp: --prefix needs --echo", "udp", "--listen", "--prefix", "x", "0");
        assertUsage("nk: udp: -4 and -6 exclude each other", "udp", "-4", "-6", "--send", "x", "::1", "9");
        assertUsage("nk: udp: --send and --binary exclude each other", "udp", "--send", "x", "--binary", "127.0.0.1", "9");
        assertUsage("nk: udp: --bind ::1 is not an IPv4 address", "udp", "--listen", "-4", "--bind", "::1", "0");
        NkRun.Result port = NkRun.run("udp", "--send", "x", "127.0.0.1", "70000");
        assertEquals(2, port.code(), port.toString());
    }

    private static void assertUsage(String message, String... args) {
        NkRun.Result r = NkRun.run(args);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.stderr().startsWith(message), r.stderr());
    }

    private static void send(DatagramSocket socket, int port, byte[] payload) throws IOException {
        socket.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    }

    private static String receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    private static void reply(DatagramSocket socket, DatagramPacket to, byte[] data, int length) {
        try {
            socket.send(new DatagramPacket(data, length, to.getSocketAddress()));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A UDP server on 127.0.0.1 that hands each datagram to a script. */
    private static final class ScriptedServer implements AutoCloseable {
        interface Script {
            void datagram(DatagramSocket socket, DatagramPacket packet);
        }

        private final DatagramSocket socket;
        private final Thread thread;

        ScriptedServer(Script script) throws SocketException {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            thread = Thread.ofVirtual().start(() -> {
                byte[] buffer = new byte[65_536];
                while (!socket.isClosed()) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                    } catch (IOException e) {
                        return;
                    }
                    script.datagram(socket, packet);
                }
            });
        }

        String port() {
            return String.valueOf(socket.getLocalPort());
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join();
        }
    }
}
