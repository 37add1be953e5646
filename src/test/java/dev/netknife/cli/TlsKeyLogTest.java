package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NkRun;
import dev.netknife.support.OpensslServer;
import dev.netknife.support.Peers;
import dev.netknife.support.TestCerts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --keylog and SSLKEYLOGFILE: the secrets nk writes are exactly those OpenSSL writes for the same session
 * (s_server -keylogfile, s_client -keylogfile) over TLS 1.3 and 1.2, client and server side, and tshark
 * decrypts a capture of nk's own https request with them.
 */
class TlsKeyLogTest {
    @TempDir
    static Path dir;
    static TestCerts certs;
    static String ca;
    static Path good;

    @BeforeAll
    static void makeCerts() throws Exception {
        certs = new TestCerts(dir);
        ca = certs.caFile().toString();
        good = certs.good();
    }

    private static TreeSet<String> lines(Path file) throws IOException {
        TreeSet<String> lines = new TreeSet<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static void awaitLines(Path file, int count) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((!Files.exists(file) || lines(file).size() < count) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void clientSecretsAreOpensslsOverTls13AndTls12() throws Exception {
        for (String version : List.of("1.3", "1.2")) {
            Path theirs = dir.resolve("server-" + version + ".keys");
            Path ours = dir.resolve("nk-" + version + ".keys");
            try (OpensslServer server = OpensslServer.start(good, "-keylogfile", theirs.toString())) {
                NkRun.Result r = NkRun.run("tls-get", "-q", "--tls-max", version, "--cacert", ca, "--keylog", ours.toString(),
                        "localhost:" + server.port());
                assertEquals(0, r.code(), r.toString());
                awaitLines(theirs, version.equals("1.3") ? 5 : 1); // s_server writes its last secrets after nk is done
            }
            TreeSet<String> expected = lines(theirs);
            assertEquals(version.equals("1.3") ? 5 : 1, expected.size(), expected.toString());
            assertEquals(expected, lines(ours));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ours)));
        }
    }

    @Test
    void resumedRepeatHandshakesAreLoggedToo() throws Exception {
        Path theirs = dir.resolve("server-repeat.keys");
        Path ours = dir.resolve("nk-repeat.keys");
        try (OpensslServer server = OpensslServer.start(good, "-keylogfile", theirs.toString())) {
            NkRun.Result r = NkRun.run("tls-get", "-q", "--tls-max", "1.3", "--repeat", "3", "--cacert", ca, "--keylog", ours.toString(),
                    "localhost:" + server.port());
            assertEquals(0, r.code(), r.toString());
            awaitLines(theirs, 25); // the first handshake, an untimed one that gets a ticket, three resumed ones: 5 secrets each
        }
        TreeSet<String> expected = lines(theirs);
        assertEquals(expected, lines(ours));
        assertEquals(5, expected.stream().map(l -> l.split(" ")[1]).distinct().count(), "five handshakes: " + expected);
    }

    @Test
    void sslkeylogfileIsReadAndAppendedTo() throws Exception {
        Path file = dir.resolve("env.keys");
        Files.writeString(file, "# kept\n");
        try (OpensslServer server = OpensslServer.start(good)) {
            for (int i = 0; i < 2; i++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int code = NkRun.run(new ByteArrayInputStream(new byte[0]), out, err, Map.of("SSLKEYLOGFILE", file.toString()),
                        "tls-get", "-q", "--cacert", ca, "localhost:" + server.port());
                assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
            }
        }
        List<String> all = Files.readAllLines(file);
        assertEquals("# kept", all.getFirst());
        assertEquals(11, all.size(), all.toString());
        assertEquals(2, all.stream().filter(l -> l.startsWith("CLIENT_TRAFFIC_SECRET_0 ")).map(l -> l.split(" ")[1]).distinct().count());
    }

    @Test
    void serverSecretsAreOpensslClientsToo() throws Exception {
        Path ours = dir.resolve("echo-server.keys");
        Path theirs = dir.resolve("s_client.keys");
        try (Background server = Background.start(java.io.InputStream.nullInputStream(), Map.of("SSLKEYLOGFILE", ours.toString()),
                "echo-server", "--tls", "--cert", good.toString(), "--key", TestCerts.keyOf(good).toString(), "0")) {
            Process client = new ProcessBuilder(Peers.require("openssl", "openssl"), "s_client", "-connect", "127.0.0.1:" + server.port(),
                    "-CAfile", ca, "-keylogfile", theirs.toString(), "-quiet").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            byte[] echo = client.getInputStream().readNBytes(6);
            assertEquals("hello\n", new String(echo, StandardCharsets.US_ASCII));
            client.getOutputStream().close();
            client.waitFor(5, TimeUnit.SECONDS);
            client.destroy();
            awaitLines(ours, 5);
            awaitLines(theirs, 5);
        }
        assertEquals(lines(theirs), lines(ours));
    }

    @Test
    void tsharkDecryptsACaptureOfNksHttpsRequest() throws Exception {
        String tshark = Peers.require("tshark", "tshark");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "capturing on lo needs root");
        Path keys = dir.resolve("capture.keys");
        Path capture = dir.resolve("capture.pcapng");
        try (OpensslServer server = OpensslServer.start(good)) {
            Process dump = new ProcessBuilder(tshark, "-i", "lo", "-f", "tcp port " + server.port(), "-w", capture.toString())
                    .redirectErrorStream(true).start();
            try {
                awaitCapturing(dump);
                NkRun.Result r = NkRun.run("http-get", "--cacert", ca, "--keylog", keys.toString(),
                        "https://localhost:" + server.port() + "/nk-keylog-check");
                assertEquals(0, r.code(), r.toString());
                Thread.sleep(500); // the last packets reach the capture file
            } finally {
                dump.destroy();
                dump.waitFor(10, TimeUnit.SECONDS);
            }
        }
        Process read = new ProcessBuilder(tshark, "-r", capture.toString(), "-o", "tls.keylog_file:" + keys, "-Y", "http.request",
                "-T", "fields", "-e", "http.request.uri").redirectErrorStream(true).start();
        String uris = new String(read.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        read.waitFor(30, TimeUnit.SECONDS);
        assertTrue(uris.lines().anyMatch(l -> l.strip().equals("/nk-keylog-check")), "tshark saw: " + uris);
        Process without = new ProcessBuilder(tshark, "-r", capture.toString(), "-Y", "http.request", "-T", "fields", "-e", "http.request.uri")
                .redirectErrorStream(true).start();
        String blind = new String(without.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        without.waitFor(30, TimeUnit.SECONDS);
        assertTrue(!blind.contains("/nk-keylog-check"), "without the keys the request stays hidden: " + blind);
    }

    /** tshark (dumpcap) says "Capturing on 'Loopback: lo'" once packets would be caught. */
    private static void awaitCapturing(Process dump) throws IOException {
        StringBuilder seen = new StringBuilder();
        int b;
        while ((b = dump.getInputStream().read()) >= 0) {
            seen.append((char) b);
            if (seen.toString().contains("Capturing on")) {
                try {
                    Thread.sleep(1000); // dumpcap says so a moment before its capture filter is in place
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
        }
        throw new AssertionError("tshark did not start capturing: " + seen);
    }
}
