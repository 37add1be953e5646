package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NkRun;
import dev.netknife.support.Peers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nk udp against socat and ncat on loopback, nk as client and as server. */
class UdpInteropTest {

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void nkClientThroughSocatUdpEcho() throws Exception {
        String socat = Peers.require("socat", "socat");
        int port = freeUdpPort();
        Process echo = Peers.start(socat, "-b", "65536", "-T", "10", "UDP4-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork", "PIPE");
        try {
            Thread.sleep(200);
            byte[] large = new byte[65_507];
            new Random(5).nextBytes(large);
            // one datagram per exchange: socat's PIPE is a byte pipe, so two quick datagrams can come back as one
            NkRun.Result text = NkRun.run("one\n".getBytes(StandardCharsets.US_ASCII), "udp", "--count", "1",
                    "127.0.0.1", String.valueOf(port));
            assertEquals(0, text.code(), text.toString());
            assertEquals("one\n", text.out());
            NkRun.Result big = NkRun.run(large, "udp", "--binary", "--count", "1", "127.0.0.1", String.valueOf(port));
            assertEquals(0, big.code(), big.toString());
            assertArrayEquals(large, big.stdout(), "65,507 bytes there and back, raw");
        } finally {
            echo.destroy();
            echo.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void socatClientThroughNkEchoServer() throws Exception {
        String socat = Peers.require("socat", "socat");
        try (Background server = Background.start("udp", "--listen", "--echo", "--prefix", "Echo: ", "0")) {
            Process client = new ProcessBuilder(socat, "-T", "1", "-", "UDP4:127.0.0.1:" + server.port()).start();
            client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().close();
            assertTrue(client.waitFor(10, TimeUnit.SECONDS));
            assertEquals("Echo: hello\n", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void nkClientToNcatServerAndItsReplyBack(@TempDir Path dir) throws Exception {
        String ncat = Peers.require("ncat", "ncat");
        int port = freeUdpPort();
        Path received = dir.resolve("received");
        // ncat -u -l prints what arrives and sends its stdin back to the first peer
        Process server = new ProcessBuilder(ncat, "-u", "-l", "127.0.0.1", String.valueOf(port))
                .redirectOutput(received.toFile()).redirectError(dir.resolve("err").toFile()).start();
        try {
            Thread.sleep(300);
            Thread replier = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300);
                    server.getOutputStream().write("from ncat\n".getBytes(StandardCharsets.US_ASCII));
                    server.getOutputStream().flush();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            NkRun.Result r = NkRun.run("udp", "--send", "from nk\\n", "--count", "1", "--timeout", "5s", "127.0.0.1", String.valueOf(port));
            replier.join();
            assertEquals(0, r.code(), r.toString());
            assertEquals("from ncat\n\n", r.out(), "the payload and a newline");
            assertEquals("from nk\n", Files.readString(received));
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void ncatClientToNkServer() throws Exception {
        String ncat = Peers.require("ncat", "ncat");
        try (Background server = Background.start("udp", "--listen", "0")) {
            Process client = new ProcessBuilder(ncat, "-u", "--send-only", "127.0.0.1", String.valueOf(server.port()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            client.getOutputStream().write("hi from ncat\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().close();
            assertTrue(client.waitFor(10, TimeUnit.SECONDS));
            String[] lines = server.stdoutLines().awaitLines(2, Duration.ofSeconds(5));
            assertTrue(lines.length == 2 && lines[1].matches("127\\.0\\.0\\.1:\\d+ 13 B: hi from ncat"), String.join("|", lines));
        }
    }
}
