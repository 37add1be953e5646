package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NginxServer;
import dev.netknife.support.NkRun;
import dev.netknife.support.NodeWs;
import dev.netknife.support.OpensslServer;
import dev.netknife.support.TestCerts;
import dev.netknife.support.Tshark;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --pcap on every command, read back with tshark: conversations and byte counts, handshakes, FIN and
 * RST, checksums, HTTP inside TLS decrypted with the secrets in the file, WebSocket frames, UDP, the two
 * interfaces of balance.
 */
class CaptureTest {
    @TempDir
    static Path dir;
    static TestCerts certs;

    @BeforeAll
    static void makeCerts() throws Exception {
        certs = new TestCerts(dir);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The sum of the TCP payload lengths tshark sees from {@code srcPort}. */
    private static long payloadFrom(Path file, int srcPort) throws Exception {
        return Tshark.fields(file, "tcp.srcport == " + srcPort, "tcp.len").stream().mapToLong(Long::parseLong).sum();
    }

    @Test
    void connectAndEchoServerBothCaptureTheSameConversation() throws Exception {
        Path server = dir.resolve("echo.pcapng");
        Path client = dir.resolve("connect.pcapng");
        String text = "hello capture\n".repeat(10_000); // 140,000 bytes: more than one segment
        try (Background echo = Background.start("echo-server", "--pcap", server.toString(), "0")) {
            NkRun.Result r = NkRun.run(bytes(text), "connect", "--pcap", client.toString(), "127.0.0.1", String.valueOf(echo.port()));
            assertEquals(0, r.code(), r.toString());
            assertEquals(text, r.out());
            echo.stop();
            for (Path file : List.of(client, server)) {
                String conv = Tshark.read(file, "-q", "-z", "conv,tcp");
                assertTrue(conv.contains("127.0.0.1:" + echo.port()), conv);
                assertEquals(1, conv.lines().filter(l -> l.contains("<->")).count(), conv);
                assertEquals(text.length(), payloadFrom(file, echo.port()), file.toString());
                List<String> flags = Tshark.fields(file, "tcp.srcport != " + echo.port(), "tcp.flags.str");
                assertTrue(flags.getFirst().contains("S"), "the client's SYN first: " + flags);
                assertTrue(flags.stream().anyMatch(f -> f.contains("F")), "the client's FIN (stdin ended): " + flags);
                List<String> serverFlags = Tshark.fields(file, "tcp.srcport == " + echo.port(), "tcp.flags.str");
                assertTrue(serverFlags.getFirst().contains("S") && serverFlags.getFirst().contains("A"), "SYN/ACK: " + serverFlags);
                assertTrue(serverFlags.stream().anyMatch(f -> f.contains("F")), "the server's FIN after the echo: " + serverFlags);
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(file)),
                        "it may hold TLS secrets");
                // sequence analysis finds nothing wrong
                assertEquals(List.of(), Tshark.fields(file, "tcp.analysis.flags && !tcp.analysis.window_update", "frame.number"), file.toString());
            }
        }
    }

    @Test
    void checksumsHoldWhenTsharkChecksThem() throws Exception {
        Path file = dir.resolve("checksums.pcapng");
        try (Background echo = Background.start("echo-server", "0")) {
            NkRun.Result r = NkRun.run(bytes("x".repeat(3001)), "connect", "--pcap", file.toString(), "127.0.0.1", String.valueOf(echo.port()));
            assertEquals(0, r.code(), r.toString());
        }
        // 1: good; tshark checks IP and TCP checksums only when asked
        assertEquals(List.of("1\t1"), Tshark.read(file, "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-T", "fields",
                "-e", "tcp.checksum.status", "-e", "ip.checksum.status").lines().distinct().toList());
    }

    @Test
    void ipv6ConversationsAndUdpDatagrams() throws Exception {
        Path tcp = dir.resolve("v6.pcapng");
        try (Background echo = Background.start("echo-server", "--bind", "::1", "0")) {
            NkRun.Result r = NkRun.run(bytes("six\n"), "connect", "--pcap", tcp.toString(), "::1", String.valueOf(echo.port()));
            assertEquals(0, r.code(), r.toString());
        }
        assertEquals(List.of("::1\t::1"), Tshark.fields(tcp, "tcp.len > 0", "ipv6.src", "ipv6.dst").stream().distinct().toList());
        Path udpServer = dir.resolve("udp-server.pcapng");
        Path udpClient = dir.resolve("udp-client.pcapng");
        try (Background echo = Background.start("udp", "-l", "--echo", "--pcap", udpServer.toString(), "0")) {
            NkRun.Result r = NkRun.run(bytes("one\ntwo\n"), "udp", "--pcap", udpClient.toString(), "--count", "2", "127.0.0.1",
                    String.valueOf(echo.port()));
            assertEquals(0, r.code(), r.toString());
            echo.stop();
            for (Path file : List.of(udpClient, udpServer)) {
                List<String> datagrams = Tshark.fields(file, "udp", "udp.srcport", "udp.dstport", "udp.length", "udp.checksum.status");
                assertEquals(4, datagrams.size(), file + ": " + datagrams);
                assertTrue(datagrams.stream().filter(d -> d.startsWith(echo.port() + "\t")).count() == 2, datagrams.toString());
                String conv = Tshark.read(file, "-q", "-z", "conv,udp");
                assertEquals(1, conv.lines().filter(l -> l.contains("<->")).count(), conv);
            }
        }
    }

    @Test
    void httpGetExchangeDissectsAsHttp() throws Exception {
        Path file = dir.resolve("http.pcapng");
        try (NginxServer nginx = NginxServer.start(dir, "listen 127.0.0.1:PORT; location / { return 200 \"captured\\n\"; }")) {
            NkRun.Result r = NkRun.run("http-get", "--pcap", file.toString(), "http://127.0.0.1:" + nginx.port() + "/seen");
            assertEquals(0, r.code(), r.toString());
        }
        assertEquals(List.of("200"), Tshark.fields(file, "http.response", "http.response.code"));
        assertEquals(List.of("/seen"), Tshark.fields(file, "http.request", "http.request.uri"));
    }

    @Test
    void httpsIsDecryptedByTsharkWithTheSecretsInTheFile() throws Exception {
        Path file = dir.resolve("https.pcapng");
        try (NginxServer nginx = NginxServer.startTls(dir, certs.good(), "secret body")) {
            for (String version : List.of("1.3", "1.2")) {
                NkRun.Result r = NkRun.run("http-get", "--tls-max", version, "--pcap", file.toString(), "--cacert", certs.caFile().toString(),
                        "https://localhost:" + nginx.port() + "/inside-tls");
                assertEquals(0, r.code(), r.toString());
                assertEquals(List.of("/inside-tls"), Tshark.fields(file, "http.request", "http.request.uri"), "TLS " + version);
                assertEquals(List.of("200"), Tshark.fields(file, "http.response", "http.response.code"), "TLS " + version);
                assertEquals(List.of(), Tshark.fields(file, "tcp.analysis.flags && !tcp.analysis.window_update", "frame.number"));
            }
        }
    }

    @Test
    void tlsGetHandshakeIsDecrypted() throws Exception {
        Path file = dir.resolve("tls-get.pcapng");
        try (OpensslServer server = OpensslServer.start(certs.good())) {
            NkRun.Result r = NkRun.run("tls-get", "-q", "--pcap", file.toString(), "--cacert", certs.caFile().toString(),
                    "localhost:" + server.port());
            assertEquals(0, r.code(), r.toString());
        }
        // the encrypted handshake messages (certificate, finished) read as such only when decrypted
        List<String> types = Tshark.fields(file, "tls.handshake", "tls.handshake.type");
        assertTrue(types.stream().anyMatch(t -> t.contains("11")), "Certificate seen: " + types);
        assertTrue(types.stream().filter(t -> t.contains("20")).count() >= 2, "both Finished seen: " + types);
        // --repeat: the resumed TLS 1.3 handshakes carry their secrets too
        Path repeat = dir.resolve("tls-get-repeat.pcapng");
        try (OpensslServer server = OpensslServer.start(certs.good())) {
            NkRun.Result r = NkRun.run("tls-get", "-q", "--repeat", "2", "--pcap", repeat.toString(), "--cacert", certs.caFile().toString(),
                    "localhost:" + server.port());
            assertEquals(0, r.code(), r.toString());
        }
        long finished = Tshark.fields(repeat, "tls.handshake.type == 20", "tls.handshake.type").stream()
                .flatMap(t -> java.util.Arrays.stream(t.split(","))).filter("20"::equals).count();
        assertEquals(8, finished, "four handshakes (one full, one for the ticket, two resumed), two Finished each");
    }

    @Test
    void webSocketExchangeDissectsAsWebSocketFrames() throws Exception {
        Path file = dir.resolve("ws.pcapng");
        try (NodeWs server = NodeWs.echoServer()) {
            NkRun.Result r = NkRun.run(bytes("first\nsecond\n"), "ws", "--pcap", file.toString(), server.url());
            assertEquals(0, r.code(), r.toString());
        }
        // a packet may carry several frames: tshark lists each field's values comma-separated
        List<String> frames = new java.util.ArrayList<>();
        for (String packet : Tshark.fields(file, "websocket", "websocket.opcode", "websocket.mask")) {
            String[] opcodes = packet.split("\t")[0].split(",");
            String[] masks = packet.split("\t")[1].split(",");
            for (int i = 0; i < opcodes.length; i++) {
                frames.add(opcodes[i] + "/" + masks[i]);
            }
        }
        assertEquals(2, frames.stream().filter("1/1"::equals).count(), "two masked text frames from nk: " + frames);
        assertEquals(2, frames.stream().filter("1/0"::equals).count(), "two echoed by ws: " + frames);
        assertTrue(frames.contains("8/1") && frames.contains("8/0"), "the closing handshake: " + frames);
        assertEquals(List.of("101"), Tshark.fields(file, "http.response", "http.response.code"));
    }

    @Test
    void balanceCapturesClientsAndBackendsAsTwoInterfaces() throws Exception {
        Path file = dir.resolve("balance.pcapng");
        try (Background echo = Background.start("echo-server", "0");
                Background balance = Background.start("balance", "--pcap", file.toString(), "0", "127.0.0.1:" + echo.port())) {
            NkRun.Result r = NkRun.run(bytes("through\n"), "connect", "127.0.0.1", String.valueOf(balance.port()));
            assertEquals(0, r.code(), r.toString());
            assertEquals("through\n", r.out());
            balance.stop();
            List<String> interfaces = Tshark.fields(file, "tcp.len > 0", "frame.interface_name", "tcp.srcport", "tcp.dstport");
            assertEquals(4, interfaces.size(), interfaces.toString());
            assertEquals(2, interfaces.stream().filter(l -> l.startsWith("client\t")).count(), interfaces.toString());
            assertEquals(2, interfaces.stream().filter(l -> l.startsWith("backend\t") && l.contains(String.valueOf(echo.port()))).count(),
                    interfaces.toString());
        }
    }

    @Test
    void chatServeAndJoinAndConnectListenCaptureTheirConversations() throws Exception {
        Path serve = dir.resolve("chat-serve.pcapng");
        Path join = dir.resolve("chat-join.pcapng");
        try (Background chat = Background.start("chat", "serve", "--pcap", serve.toString(), "0")) {
            NkRun.Result r = NkRun.run(bytes("hello from the capture\n"), "chat", "--nick", "cap", "--pcap", join.toString(), "127.0.0.1",
                    String.valueOf(chat.port()));
            assertEquals(0, r.code(), r.toString());
            chat.stop();
        }
        for (Path file : List.of(serve, join)) {
            String payloads = String.join("", Tshark.fields(file, "tcp.len > 0", "tcp.payload"));
            assertTrue(payloads.contains(java.util.HexFormat.of().formatHex(bytes("hello from the capture"))), file.toString());
        }
        Path listen = dir.resolve("listen.pcapng");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Thread listener = Thread.ofPlatform().start(() -> NkRun.run(new java.io.ByteArrayInputStream(bytes("from listener\n")), out, err,
                java.util.Map.of(), "connect", "-l", "--pcap", listen.toString(), "0"));
        String ready = "";
        for (int i = 0; i < 100 && !ready.contains("listening on"); i++) {
            Thread.sleep(50);
            ready = err.toString(StandardCharsets.UTF_8);
        }
        int port = Integer.parseInt(ready.replaceAll("(?s).*listening on [^\\n]*:(\\d+).*", "$1"));
        NkRun.Result r = NkRun.run(bytes("to listener\n"), "connect", "127.0.0.1", String.valueOf(port));
        assertEquals("from listener\n", r.out());
        listener.join(10_000);
        assertEquals("to listener\n", out.toString(StandardCharsets.UTF_8));
        List<String> syn = Tshark.fields(listen, "tcp.flags.syn == 1 && tcp.flags.ack == 0", "tcp.dstport");
        assertEquals(List.of(String.valueOf(port)), syn, "the client's SYN to the listener");
        assertEquals(14, payloadFrom(listen, port), "from the listener");
        assertEquals(12, Tshark.fields(listen, "tcp.dstport == " + port, "tcp.len").stream().mapToLong(Long::parseLong).sum(), "to it");
    }

    @Test
    void monitorCapturesItsProbes() throws Exception {
        Path file = dir.resolve("monitor.pcapng");
        try (NginxServer nginx = NginxServer.start(dir, "listen 127.0.0.1:PORT; location / { return 200 \"up\\n\"; }");
                Background echo = Background.start("echo-server", "0")) {
            NkRun.Result r = NkRun.run("monitor", "--once", "--pcap", file.toString(), "http://127.0.0.1:" + nginx.port() + "/health",
                    "tcp://127.0.0.1:" + echo.port());
            assertEquals(0, r.code(), r.toString());
        }
        assertEquals(List.of("/health"), Tshark.fields(file, "http.request", "http.request.uri"));
        String conv = Tshark.read(file, "-q", "-z", "conv,tcp");
        assertEquals(2, conv.lines().filter(l -> l.contains("<->")).count(), conv);
    }

    @Test
    void aResetByThePeerIsItsRst() throws Exception {
        Path file = dir.resolve("reset.pcapng");
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    s.getInputStream().read();
                    s.setSoLinger(true, 0); // close with RST
                } catch (IOException ignored) {
                    // the test sees what nk saw
                }
            });
            NkRun.Result r = NkRun.run(bytes("x"), "connect", "--pcap", file.toString(), "127.0.0.1",
                    String.valueOf(listener.getLocalPort()));
            assertTrue(r.code() != 0, r.toString());
        }
        List<String> resets = Tshark.fields(file, "tcp.flags.reset == 1", "tcp.srcport");
        assertEquals(1, resets.size(), resets.toString());
    }

    @Test
    void aFifoGivesALiveView() throws Exception {
        Path fifo = dir.resolve("live");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        // the reader first, as Wireshark's live view: tshark reads the FIFO until nk closes it
        Process reader = new ProcessBuilder(dev.netknife.support.Peers.require("tshark", "tshark"), "-r", fifo.toString(), "-T", "fields",
                "-e", "tcp.len").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (Background echo = Background.start("echo-server", "0")) {
            NkRun.Result r = NkRun.run(bytes("live\n"), "connect", "--pcap", fifo.toString(), "127.0.0.1", String.valueOf(echo.port()));
            assertEquals(0, r.code(), r.toString());
        }
        String seen = new String(reader.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(reader.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(10, seen.lines().filter(l -> !l.isBlank()).mapToLong(Long::parseLong).sum(), "five bytes each way: " + seen);
    }

    @Test
    void usageErrors() {
        NkRun.Result r = NkRun.run("connect", "--pcap-max", "1M", "127.0.0.1", "1");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.stderr().contains("--pcap-max needs --pcap FILE"), r.stderr());
        r = NkRun.run("connect", "--pcap", dir.resolve("x.pcapng").toString(), "--pcap-rotate", "2", "127.0.0.1", "1");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.stderr().contains("--pcap-rotate needs --pcap-max"), r.stderr());
        r = NkRun.run("connect", "--pcap", "-", "127.0.0.1", "1");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.stderr().contains("give a FIFO"), r.stderr());
        r = NkRun.run("connect", "--pcap", dir.resolve("no/such/dir/x.pcapng").toString(), "127.0.0.1", "1");
        assertEquals(1, r.code(), r.toString());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().startsWith("nk: connect: cannot write the capture"), r.stderr());
    }
}
