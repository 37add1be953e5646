package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Accept;
import dev.netknife.support.Background;
import dev.netknife.support.NkRun;
import dev.netknife.support.NodeWs;
import dev.netknife.support.RawWsClient;
import dev.netknife.support.RawWsPeer;
import dev.netknife.support.TestCerts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nk ws against the npm ws package, against itself (ws and wss), and against scripted servers that break RFC 6455. */
class WsCommandTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // --- nk client against the npm ws echo server

    @Test
    void linesAreTextMessagesAgainstNodeWs() throws Exception {
        try (NodeWs server = NodeWs.echoServer()) {
            NkRun.Result r = NkRun.run(bytes("hello\nw\u00f6rld\r\n\nlast"), "ws", server.url());
            assertEquals(0, r.code(), r.toString());
            assertEquals("hello\nw\u00f6rld\n\nlast\n", r.out());
        }
    }

    @Test
    void tenMiBMessagesFragmentedBothWays() throws Exception {
        byte[] line = new byte[10 << 20];
        new Random(1).ints(line.length, 'a', 'z' + 1).forEach(new java.util.function.IntConsumer() {
            int i;

            @Override
            public void accept(int c) {
                line[i++] = (byte) c;
            }
        });
        byte[] input = Arrays.copyOf(line, line.length + 1);
        input[line.length] = '\n';
        try (NodeWs server = NodeWs.echoServer()) {
            NkRun.Result r = NkRun.run(input, "ws", "--max-frame", "100000", server.url());
            assertEquals(0, r.code(), r.stderr());
            assertArrayEquals(input, r.stdout());
        }
    }

    @Test
    void sizesTakeKAndMSuffixes() throws Exception {
        String message = "x".repeat(3000);
        try (NodeWs server = NodeWs.echoServer()) {
            NkRun.Result framed = NkRun.run(bytes(message + "\n"), "ws", "--max-frame", "1K", "--max-message", "3KiB", server.url());
            assertEquals(0, framed.code(), framed.toString());
            assertEquals(message + "\n", framed.out());
            NkRun.Result tooLong = NkRun.run(bytes("first\n" + message + "\nnever sent\n"), "ws", "--max-message", "2k", server.url());
            assertEquals(1, tooLong.code(), "a stdin line over --max-message is refused, not passed over: " + tooLong);
            assertEquals("first\n", tooLong.out());
            assertEquals("nk: ws: a stdin line is longer than 2048 bytes (--max-message)\n", tooLong.stderr());
        }
    }

    @Test
    void aFileSentWithBinaryComesBackWhole() throws Exception {
        byte[] file = new byte[200_000];
        new Random(9).nextBytes(file);
        try (NodeWs server = NodeWs.echoServer()) {
            NkRun.Result r = NkRun.run(file, "ws", "--binary", server.url());
            assertEquals(0, r.code(), r.toString());
            assertArrayEquals(file, r.stdout(), "binary messages back raw, without a newline each");
        }
    }

    @Test
    void binaryMessagesAsHexOrRaw() throws Exception {
        try (NodeWs server = NodeWs.echoServer()) {
            NkRun.Result hex = NkRun.run(new byte[] {0, 1, (byte) 0xff}, "ws", "--binary", "--hex", server.url());
            assertEquals(0, hex.code(), hex.toString());
            assertTrue(hex.out().startsWith("< 00000000  00 01 ff"), hex.out());
            NkRun.Result json = NkRun.run(new byte[] {(byte) 0xc3, 0x28}, "--json", "ws", "--binary", server.url());
            String[] lines = json.out().split("\n");
            assertTrue(lines[1].contains("\"direction\":\"in\",\"type\":\"binary\",\"size\":2") && lines[1].contains("\"hex\":\"c328\""),
                    json.out());
            assertTrue(lines[2].contains("\"ws\":{\"subprotocol\":null,\"sent\":1,\"received\":1,\"pongs\":0,\"close\":{\"code\":1000"), lines[2]);
        }
    }

    @Test
    void countExpectAndTheServersCloseCode() throws Exception {
        try (NodeWs server = NodeWs.echoServer("--close-after", "2", "--close-code", "4001", "--subprotocol", "chat.v2")) {
            NkRun.Result counted = NkRun.run("-v", "ws", "--subprotocol", "x,chat.v2", "--send", "one", "--send", "two", "--count", "1", server.url());
            assertEquals(0, counted.code(), counted.toString());
            assertEquals("one\n", counted.out());
            assertTrue(counted.stderr().contains("subprotocol chat.v2"), counted.stderr());

            NkRun.Result matched = NkRun.run("ws", "--send", "ping", "--send", "pong", "--expect", "^po", server.url());
            assertEquals(0, matched.code(), matched.toString());

            NkRun.Result closed = NkRun.run("ws", "--send", "a", "--send", "b", "--count", "3", server.url());
            assertEquals(6, closed.code(), closed.toString());
            assertTrue(closed.stderr().contains("the server closed with 4001 (closing as asked)"), closed.stderr());
        }
        try (NodeWs normal = NodeWs.echoServer("--close-after", "2", "--close-code", "1000")) {
            NkRun.Result fewer = NkRun.run("ws", "--send", "a", "--send", "b", "--count", "3", normal.url());
            assertEquals(7, fewer.code(), "a normal close before --count is reached: less than asked for, " + fewer);
            assertEquals("nk: ws: the server closed after 2 of 3 messages (--count 3; closed: 1000 normal closure (closing as asked))\n",
                    fewer.stderr());
        }
    }

    // --- the npm ws client against nk ws --listen, and nk against itself over wss

    @Test
    void nodeWsClientAgainstNkServer() throws Exception {
        String node = NodeWs.node();
        try (Background server = Background.start("ws", "--listen", "0")) {
            Process client = new ProcessBuilder(node, NodeWs.DIR.resolve("ws-client-check.js").toString(), "ws://" + server.address() + "/echo")
                    .directory(NodeWs.DIR.toFile()).redirectErrorStream(true).start();
            String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(client.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, client.exitValue(), out);
            assertEquals("ok text\nok binary\nok fragmented\nok 10MiB\nok pong\nok close 4000 \n", out);
        }
    }

    @Test
    void wssAgainstNkServerWithATestCa(@TempDir Path dir) throws Exception {
        TestCerts certs = new TestCerts(dir);
        Path cert = certs.good();
        try (Background server = Background.start("ws", "--listen", "--tls", "--cert", cert.toString(), "--key",
                TestCerts.keyOf(cert).toString(), "0")) {
            NkRun.Result r = NkRun.run(bytes("secret\n"), "--json", "ws", "--cacert", certs.caFile().toString(),
                    "wss://localhost:" + server.port() + "/");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("\"direction\":\"in\",\"type\":\"text\",\"size\":6") && r.out().contains("\"tls\":"), r.out());
            NkRun.Result untrusted = NkRun.run("ws", "--send", "x", "wss://localhost:" + server.port() + "/");
            assertEquals(5, untrusted.code(), untrusted.toString());
            NkRun.Result plain = NkRun.run("ws", "--send", "x", "ws://localhost:" + server.port() + "/");
            assertEquals(6, plain.code(), plain.toString());
            assertTrue(plain.stderr().contains("(if that port speaks TLS, use a wss:// URL)"), plain.stderr());
        }
    }

    @Test
    void nkServerReadsOnWhileAClientSendsFortyMiBBeforeReadingAny() throws Exception {
        // the npm ws client sends every queued message before it reads: the echoes wait in nk, not in the client's buffers
        byte[][] frames = new byte[40][];
        byte[][] payloads = new byte[40][];
        Random random = new Random(40);
        for (int i = 0; i < frames.length; i++) {
            payloads[i] = new byte[1 << 20];
            random.nextBytes(payloads[i]);
            frames[i] = RawWsClient.frame(0x2, payloads[i]);
        }
        try (Background server = Background.start("ws", "--listen", "0"); RawWsClient client = RawWsClient.connect(server.port())) {
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    for (byte[] frame : frames) {
                        client.socket().getOutputStream().write(frame);
                    }
                    client.send(0x8, new byte[] {0x03, (byte) 0xe8});
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            try {
                sending.get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("nk stopped reading while its echoes waited for the client: the client's writes block");
            }
            for (byte[] payload : payloads) {
                RawWsClient.Frame echo = client.readFrame();
                assertEquals(0x2, echo.opcode());
                assertArrayEquals(payload, echo.payload());
            }
            RawWsClient.Frame close = client.readFrame();
            assertEquals(0x8, close.opcode(), "the close answer comes after every echo");
            assertEquals(1000, (close.payload()[0] & 0xff) << 8 | close.payload()[1] & 0xff);
        }
    }

    @Test
    void verboseServerLogsEachMessageAndBothByteCountsAtClose() throws Exception {
        try (Background server = Background.start("-v", "ws", "--listen", "0")) {
            NkRun.Result r = NkRun.run("ws", "--send", "hello", "--count", "1", "ws://" + server.address() + "/chat");
            assertEquals("hello\n", r.out(), r.toString());
            assertTrue(server.stderrLines().await(" out)", java.time.Duration.ofSeconds(5)), server.stderr());
            String log = server.stderr();
            assertTrue(log.matches("(?s).*upgraded /chat\n.*text 5 B: hello\n.*closed with 1000 normal closure\n"
                    + ".*close 127\\.0\\.0\\.1:\\d+ \\(\\d+ B in, \\d+ B out\\)\n"), log);
        }
    }

    @Test
    void aStoppingServerSaysGoingAwayToEachClient() throws Exception {
        Background server = Background.start("ws", "--listen", "0");
        try (RawWsClient a = RawWsClient.connect(server.port()); RawWsClient b = RawWsClient.connect(server.port())) {
            a.sendText("hi");
            assertEquals("hi", a.readFrame().text());
            b.sendText("there");
            assertEquals("there", b.readFrame().text());
            assertEquals(130, server.stop());
            for (RawWsClient client : List.of(a, b)) {
                RawWsClient.Frame close = client.readFrame();
                assertEquals(0x8, close.opcode());
                assertEquals(1001, (close.payload()[0] & 0xff) << 8 | close.payload()[1] & 0xff, "going away, not a cut connection");
            }
        } finally {
            server.close();
        }
    }

    @Test
    void nkServerDropsABadClientAndServesTheNext() throws Exception {
        try (Background server = Background.start("ws", "--listen", "0")) {
            try (Socket raw = new Socket("127.0.0.1", server.port())) {
                RawWsPeer peer = RawWsPeer.clientHandshake(raw);
                peer.out.write(new byte[] {(byte) 0x81, 0x02, 'h', 'i'}); // unmasked from a client
                assertEquals(1002, peer.readCloseCode());
            }
            try (Socket plain = new Socket("127.0.0.1", server.port())) {
                plain.getOutputStream().write(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
                String answer = new String(plain.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 426 Upgrade Required"), answer);
                assertEquals(List.of("Connection: Upgrade, close"), answer.lines().filter(l -> l.startsWith("Connection:")).toList(),
                        "one Connection header: " + answer);
                assertTrue(answer.contains("\r\nUpgrade: websocket\r\n"), answer);
            }
            NkRun.Result next = NkRun.run("ws", "--send", "still here", "--count", "1", "ws://" + server.address() + "/");
            assertEquals("still here\n", next.out(), next.toString());
        }
    }

    // --- scripted servers that break the rules

    @Test
    void badFramesGetTheRightCloseCodeAndExitSix() throws Exception {
        record Case(String name, byte[] frame, int closeCode, String message) {
        }
        byte[] badUtf8 = {(byte) 0x81, 0x02, (byte) 0xc3, 0x28};
        List<Case> cases = List.of(
                new Case("masked from the server", new byte[] {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2}, 1002, "masked frame from the server"),
                new Case("reserved bits", new byte[] {(byte) 0xc1, 0x01, 'x'}, 1002, "reserved bits set"),
                new Case("unknown opcode", new byte[] {(byte) 0x83, 0x00}, 1002, "unknown opcode 0x3"),
                new Case("invalid UTF-8", badUtf8, 1007, "text message is not valid UTF-8"),
                new Case("fragmented ping", new byte[] {0x09, 0x00}, 1002, "fragmented control frame"),
                new Case("lone continuation", new byte[] {(byte) 0x80, 0x01, 'x'}, 1002, "continuation frame with no message"),
                new Case("bad close code", new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xed}, 1002, "invalid code 1005"),
                new Case("2^62 bytes claimed", new byte[] {(byte) 0x82, 127, 0x40, 0, 0, 0, 0, 0, 0, 0}, 1009, "message larger than --max-message"));
        for (Case c : cases) {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                CompletableFuture<Integer> closeCode = new CompletableFuture<>();
                Accept.once(listener, s -> {
                    RawWsPeer peer = RawWsPeer.serverHandshake(s);
                    peer.out.write(c.frame());
                    peer.out.flush();
                    closeCode.complete(peer.readCloseCode());
                });
                NkRun.Result r = NkRun.run(new dev.netknife.support.BlockingInput(), "ws", "ws://127.0.0.1:" + listener.getLocalPort() + "/");
                assertEquals(6, r.code(), c.name() + ": " + r);
                assertTrue(r.stderr().contains(c.message()), c.name() + ": " + r.stderr());
                assertEquals(c.closeCode(), closeCode.get(5, TimeUnit.SECONDS), c.name());
            }
        }
    }

    @Test
    void pingsAreAnsweredWithTheSamePayload() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> pong = new CompletableFuture<>();
            Accept.once(listener, s -> {
                RawWsPeer peer = RawWsPeer.serverHandshake(s);
                peer.out.write(new byte[] {(byte) 0x89, 0x04, 'b', 'e', 'a', 't'});
                peer.out.flush();
                RawWsPeer.Frame f = peer.readFrame();
                pong.complete(f.opcode() + ":" + new String(f.payload(), StandardCharsets.US_ASCII));
                peer.out.write(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xe8});
                peer.out.flush();
            });
            NkRun.Result r = NkRun.run(new dev.netknife.support.BlockingInput(), "ws", "ws://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals("10:beat", pong.get(5, TimeUnit.SECONDS));
            assertEquals(0, r.code(), r.toString());
        }
    }

    @Test
    void keepalivePingsAreAnsweredByNodeWsAndTheirRoundTripsShown() throws Exception {
        try (NodeWs server = NodeWs.echoServer(); dev.netknife.support.BlockingInput stdin = new dev.netknife.support.BlockingInput()) {
            CompletableFuture<NkRun.Result> run = CompletableFuture.supplyAsync(() -> NkRun.run(stdin, "--json", "ws", "--ping", "100ms", server.url()));
            Thread.sleep(700);
            stdin.close(); // stdin ends: nk closes
            NkRun.Result r = run.get(10, TimeUnit.SECONDS);
            assertEquals(0, r.code(), r.toString());
            long pongs = r.out().lines().filter(l -> l.matches("\\{\"schema\":\"nk/1\",\"command\":\"ws\",\"event\":\"pong\",\"rtt_ms\":[0-9.]+,.*")).count();
            assertTrue(pongs >= 3, r.out());
            assertTrue(r.out().contains("\"pongs\":" + pongs + ","), "the result counts them: " + r.out());
        }
    }

    @Test
    void aServerThatStopsAnsweringPingsIsTimeoutExit124() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             dev.netknife.support.BlockingInput stdin = new dev.netknife.support.BlockingInput()) {
            CompletableFuture<String> ping = new CompletableFuture<>();
            Accept.once(listener, s -> {
                RawWsPeer peer = RawWsPeer.serverHandshake(s); // reads, answers nothing: a frozen server
                RawWsPeer.Frame f = peer.readFrame();
                ping.complete(f.opcode() + ":" + new String(f.payload(), StandardCharsets.US_ASCII));
                peer.in.readAllBytes();
            });
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run(stdin, "ws", "--ping", "100ms", "--ping-timeout", "300ms", "ws://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals("9:nk-1", ping.get(5, TimeUnit.SECONDS), "a ping with nk's numbered payload");
            assertEquals(124, r.code(), r.toString());
            assertEquals("nk: ws: no pong within 300ms of a ping: the server stopped answering\n", r.stderr());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void aPingBetweenFragmentsIsAnsweredAndTheMessageStillAssembles() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> seen = new CompletableFuture<>();
            Accept.once(listener, s -> {
                RawWsPeer peer = RawWsPeer.serverHandshake(s);
                peer.out.write(new byte[] {0x01, 0x03, 'f', 'r', 'a'});               // text, not final
                peer.out.write(new byte[] {(byte) 0x89, 0x01, 'p'});                  // ping in between
                peer.out.write(new byte[] {(byte) 0x80, 0x03, 'g', 'm', 'e'});        // final continuation
                peer.out.flush();
                RawWsPeer.Frame pong = peer.readFrame();
                int code = peer.readCloseCode();
                seen.complete(pong.opcode() + " " + code);
                peer.out.write(new byte[] {(byte) 0x88, 0x02, 0x0f, (byte) 0xa2});
                peer.out.flush();
            });
            NkRun.Result r = NkRun.run("ws", "--count", "1", "--close-code", "4002", "ws://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals(0, r.code(), r.toString());
            assertEquals("fragme\n", r.out());
            assertEquals("10 1000", seen.get(5, TimeUnit.SECONDS), "pong, then the close after --count");
        }
    }

    @Test
    void stdinEndClosesWithTheCloseCodeAsked() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> code = new CompletableFuture<>();
            Accept.once(listener, s -> {
                RawWsPeer peer = RawWsPeer.serverHandshake(s);
                code.complete(peer.readCloseCode());
                peer.out.write(new byte[] {(byte) 0x88, 0x02, 0x0f, (byte) 0xa2});
                peer.out.flush();
            });
            NkRun.Result r = NkRun.run(bytes("bye\n"), "--json", "ws", "--close-code", "4002", "ws://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals(4002, code.get(5, TimeUnit.SECONDS));
            assertEquals(0, r.code(), "the server's 4002 answers nk's own close: " + r);
            assertTrue(r.out().contains("\"close\":{\"code\":4002"), r.out());
        }
    }

    @Test
    void anAnswerToOurCloseThatReportsAnErrorIsExitSix() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Accept.once(listener, s -> {
                RawWsPeer peer = RawWsPeer.serverHandshake(s);
                peer.readCloseCode();
                peer.out.write(new byte[] {(byte) 0x88, 0x06, 0x03, (byte) 0xef, 'b', 'a', 'd', '!'}); // 1007
                peer.out.flush();
            });
            NkRun.Result r = NkRun.run(bytes("bye\n"), "ws", "ws://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals(6, r.code(), r.toString());
            assertEquals("nk: ws: the server closed with 1007 invalid payload data (bad!)\n", r.stderr());
        }
    }

    @Test
    void aLineThatIsNotUtf8GoesAsBinaryWithOneWarning() throws Exception {
        byte[] input = {'o', 'k', '\n', (byte) 0xff, (byte) 0xfe, '\n', 'a', 'f', 't', 'e', 'r', '\n', (byte) 0xc3, '\n'};
        try (NodeWs server = NodeWs.echoServer()) {
            NkRun.Result r = NkRun.run(input, "ws", server.url());
            assertEquals(0, r.code(), r.toString());
            assertArrayEquals(input, r.stdout(), "each line back as it went, the binary ones raw");
            assertEquals("nk: ws: warning: message 2 is not UTF-8: sent as binary (and any others like it)\n", r.stderr());
            NkRun.Result json = NkRun.run(input, "--json", "ws", server.url());
            List<String> types = json.out().lines().filter(l -> l.contains("\"direction\":\"out\""))
                    .map(l -> l.replaceAll(".*\"type\":\"(\\w+)\".*", "$1")).toList();
            assertEquals(List.of("text", "binary", "text", "binary"), types, json.out());
        }
    }

    @Test
    void aServerThatNeverAnswersTheUpgradeIsTimeoutNotAHang() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            String url = "ws://127.0.0.1:" + listener.getLocalPort() + "/";
            List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(listener.accept()); // and never a word back
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            try {
                NkRun.Result connect = NkRun.run("ws", "--connect-timeout", "500ms", "--send", "x", url);
                assertEquals(124, connect.code(), connect.toString());
                assertEquals("nk: ws: no answer to the WebSocket upgrade within 500ms\n", connect.stderr());
                NkRun.Result idle = NkRun.run("ws", "--idle-timeout", "300ms", "--send", "x", url);
                assertEquals(124, idle.code(), idle.toString());
                assertEquals("nk: ws: idle for 300ms before the WebSocket upgrade was answered\n", idle.stderr());
            } finally {
                listener.close();
                acceptor.join();
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aResetAfterTheUpgradeIsExitSix() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Accept.once(listener, s -> {
                RawWsPeer.serverHandshake(s);
                s.setSoLinger(true, 0);
                s.close(); // RST
            });
            NkRun.Result r = NkRun.run(new dev.netknife.support.BlockingInput(), "ws", "ws://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals(6, r.code(), r.toString());
            assertTrue(r.stderr().equals("nk: ws: the server reset the connection\n")
                    || r.stderr().equals("nk: ws: the connection ended without a close frame\n"), r.stderr());
        }
    }

    @Test
    void nkServerDropsAClientThatStallsInItsUpgradeRequest() throws Exception {
        try (Background server = Background.start("-v", "ws", "--listen", "--max-conns", "1", "0");
             Socket stalled = new Socket("127.0.0.1", server.port())) {
            stalled.getOutputStream().write(bytes("GET / HTTP/1.1\r\n")); // and nothing more: it holds the only slot
            long start = System.nanoTime();
            assertTrue(server.stderrLines().await("no complete upgrade request within 10s", java.time.Duration.ofSeconds(15)), server.stderr());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(13));
            NkRun.Result next = NkRun.run("ws", "--send", "after", "--count", "1", "ws://" + server.address() + "/");
            assertEquals("after\n", next.out(), next.toString());
        }
    }

    /** Runs nk ws with {@code args} then {@code url} (its %d replaced by a scripted server's port); returns the upgrade request it sent. */
    private static List<String> upgradeRequestOf(String url, String... args) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> request = new CompletableFuture<>();
            Accept.once(listener, s -> {
                String head = RawWsPeer.readHead(s.getInputStream());
                request.complete(head);
                s.getOutputStream().write(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + dev.netknife.ws.Handshake.accept(RawWsPeer.keyOf(head)) + "\r\n\r\n"));
                s.getOutputStream().write(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xe8});
            });
            String[] all = Arrays.copyOf(args, args.length + 1);
            all[args.length] = url.formatted(listener.getLocalPort());
            String[] command = new String[all.length + 1];
            command[0] = "ws";
            System.arraycopy(all, 0, command, 1, all.length);
            NkRun.Result r = NkRun.run(new dev.netknife.support.BlockingInput(), command);
            assertEquals(0, r.code(), r.toString());
            return request.get(5, TimeUnit.SECONDS).lines().toList();
        }
    }

    @Test
    void headersGivenWithDashHReplaceTheBuiltInOnes() throws Exception {
        List<String> lines = upgradeRequestOf("ws://127.0.0.1:%d/", "-H", "Host: example.com", "-H", "Sec-WebSocket-Version: 8",
                "-H", "User-Agent:", "-H", "X-Extra: 1");
        assertEquals(List.of("Host: example.com"), lines.stream().filter(l -> l.regionMatches(true, 0, "Host:", 0, 5)).toList(), lines.toString());
        assertEquals(List.of("Sec-WebSocket-Version: 8"), lines.stream().filter(l -> l.startsWith("Sec-WebSocket-Version")).toList());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("User-Agent")), "an empty -H drops the header: " + lines);
        assertTrue(lines.contains("X-Extra: 1"), lines.toString());
    }

    @Test
    void credentialsInTheUrlGoAsBasicAuthorization() throws Exception {
        List<String> lines = upgradeRequestOf("ws://user:pa%%20ss@127.0.0.1:%d/feed");
        assertTrue(lines.contains("Authorization: Basic " + java.util.Base64.getEncoder().encodeToString(bytes("user:pa ss"))), lines.toString());
        assertEquals(1, lines.stream().filter(l -> l.matches("Host: 127\\.0\\.0\\.1:\\d+")).count(), "no credentials in Host: " + lines);
        assertTrue(upgradeRequestOf("ws://user:pw@127.0.0.1:%d/", "-H", "Authorization: Bearer t").contains("Authorization: Bearer t"));
    }

    @Test
    void aRefusedOrWrongHandshakeIsExitSix() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Accept.once(listener, s -> {
                RawWsPeer.readHead(s.getInputStream());
                s.getOutputStream().write(bytes("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"));
            });
            NkRun.Result r = NkRun.run("ws", "--send", "x", "ws://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals(6, r.code(), r.toString());
            assertTrue(r.stderr().contains("handshake refused: HTTP 403 Forbidden"), r.stderr());
        }
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Accept.once(listener, s -> {
                RawWsPeer.readHead(s.getInputStream());
                s.getOutputStream().write(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: bm90IHRoZSByaWdodCBvbmU=\r\n\r\n"));
            });
            NkRun.Result r = NkRun.run("ws", "--send", "x", "ws://127.0.0.1:" + listener.getLocalPort() + "/");
            assertEquals(6, r.code(), r.toString());
            assertTrue(r.stderr().contains("wrong Sec-WebSocket-Accept"), r.stderr());
        }
    }

    @Test
    void expectTimesOutAsSevenAndIdleAsTimeout() throws Exception {
        try (NodeWs server = NodeWs.echoServer()) {
            NkRun.Result missed = NkRun.run("ws", "--send", "abc", "--expect", "xyz", "--idle-timeout", "300ms", server.url());
            assertEquals(7, missed.code(), missed.toString());
            assertTrue(missed.stderr().contains("no message matched 'xyz' (1 message, idle for 300ms)"), missed.stderr());
            NkRun.Result idle = NkRun.run(new dev.netknife.support.BlockingInput(), "ws", "--idle-timeout", "300ms", server.url());
            assertEquals(124, idle.code(), idle.toString());
        }
    }

    @Test
    void usageErrors() {
        assertUsage("nk: ws: bad URL 'http://x/': unsupported scheme 'http' (ws and wss are)", "ws", "http://x/");
        assertUsage("nk: ws: --tls needs --listen (for a client, use a wss:// URL)", "ws", "--tls", "ws://x/");
        assertUsage("nk: ws: --send is for the client; drop --listen", "ws", "--listen", "--send", "x", "0");
        assertUsage("nk: ws: --close-code 1005 may not be sent", "ws", "--close-code", "1005", "ws://127.0.0.1:9/");
    }

    private static void assertUsage(String message, String... args) {
        NkRun.Result r = NkRun.run(args);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.stderr().startsWith(message), r.stderr());
    }
}
