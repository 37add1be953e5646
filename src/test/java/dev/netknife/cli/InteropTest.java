package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NkRun;
import dev.netknife.support.Peers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nk against the real netcat family on loopback: socat, ncat and OpenBSD nc, both directions. */
class InteropTest {
    private static final byte[] DATA = new byte[8 << 20];

    static {
        new Random(3).nextBytes(DATA);
    }

    @Test
    void nkConnectThroughSocatEcho() throws Exception {
        String socat = Peers.require("socat", "socat");
        int port = Peers.freePort();
        Process echo = Peers.start(socat, "-b", "4096", "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork", "PIPE");
        try {
            Peers.awaitListening(port, 5000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = NkRun.run(new ByteArrayInputStream(DATA), out, new ByteArrayOutputStream(), Map.of(), "connect", "127.0.0.1", String.valueOf(port));
            assertEquals(0, code);
            assertArrayEquals(DATA, out.toByteArray());
        } finally {
            echo.destroy();
            echo.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void ncatThroughNkEchoServer(@TempDir Path dir) throws Exception {
        String ncat = Peers.require("ncat", "ncat");
        assertEchoedByPeerClient(dir, ncat);
    }

    @Test
    void openbsdNcThroughNkEchoServer(@TempDir Path dir) throws Exception {
        String nc = Peers.require("nc.openbsd", "netcat-openbsd");
        assertEchoedByPeerClient(dir, nc, "-N");
    }

    private static void assertEchoedByPeerClient(Path dir, String... client) throws Exception {
        Path input = dir.resolve("in.bin");
        Path output = dir.resolve("out.bin");
        Files.write(input, DATA);
        try (Background server = Background.start("echo-server", "0")) {
            String[] command = new String[client.length + 2];
            System.arraycopy(client, 0, command, 0, client.length);
            command[client.length] = "127.0.0.1";
            command[client.length + 1] = String.valueOf(server.port());
            Process p = new ProcessBuilder(command).redirectInput(input.toFile()).redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
            assertEquals(0, p.exitValue());
            assertArrayEquals(DATA, Files.readAllBytes(output));
        }
    }

    @Test
    void ncatTalksToNkListen() throws Exception {
        String ncat = Peers.require("ncat", "ncat");
        Background.Lines out = new Background.Lines();
        Background.Lines err = new Background.Lines();
        Thread listener = Thread.ofPlatform().start(() -> NkRun.run(
                new ByteArrayInputStream("hello from nk\n".getBytes(StandardCharsets.US_ASCII)), out, err, Map.of(), "connect", "-l", "0"));
        assertTrue(err.await("listening on", Duration.ofSeconds(5)), err.text());
        String line = err.text().strip();
        String port = line.substring(line.lastIndexOf(':') + 1);
        Process p = new ProcessBuilder(ncat, "127.0.0.1", port).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().write("hello from ncat\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String fromNk = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        listener.join(10_000);
        assertEquals("hello from nk\n", fromNk);
        assertEquals("hello from ncat\n", out.text());
    }
}
