package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NginxServer;
import dev.netknife.support.NkRun;
import dev.netknife.support.OpensslServer;
import dev.netknife.support.Peers;
import dev.netknife.support.TestCerts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** connect --tls and echo-server --tls, with each other and with OpenSSL. */
class TlsEchoTest {
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

    private static Background tlsEcho(String... extra) {
        String[] args = new String[extra.length + 7];
        args[0] = "echo-server";
        args[1] = "--tls";
        args[2] = "--cert";
        args[3] = good.toString();
        args[4] = "--key";
        args[5] = TestCerts.keyOf(good).toString();
        System.arraycopy(extra, 0, args, 6, extra.length);
        args[args.length - 1] = "0";
        return Background.start(args);
    }

    @Test
    void roundTripsBinaryDataExactly() throws Exception {
        byte[] data = new byte[8 << 20];
        new Random(5).nextBytes(data);
        try (Background server = tlsEcho()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = NkRun.run(new ByteArrayInputStream(data), out, err, Map.of(),
                    "connect", "--tls", "--cacert", ca, "localhost", String.valueOf(server.port()));
            assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
            assertArrayEquals(data, out.toByteArray());
            assertTrue(server.stderr().startsWith("nk: echo-server: TLS certificate SHA-256 "), server.stderr());
        }
    }

    @Test
    void stdinEndSendsCloseNotifyAndTheReplyStillArrives() throws Exception {
        // s_server -www answers only after it has read the request: nk must keep reading after its close_notify
        try (OpensslServer server = OpensslServer.start(good)) {
            NkRun.Result r = NkRun.run("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                    "connect", "--tls", "--cacert", ca, "localhost", String.valueOf(server.port()));
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().startsWith("HTTP/1.0 200 ok"), r.out());
            assertTrue(r.out().contains("</HTML>") || r.out().contains("</html>"), "the whole page arrived: " + r.out());
        }
    }

    @Test
    void verboseAndJsonTellTheNegotiatedTls() throws Exception {
        try (Background server = tlsEcho()) {
            NkRun.Result r = NkRun.run("x".getBytes(StandardCharsets.US_ASCII), "-v", "--json", "connect", "--tls", "--cacert", ca,
                    "localhost", String.valueOf(server.port()));
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.stderr().contains("nk: connect: TLSv1.3 TLS_"), r.stderr());
            assertEquals("x", r.out(), "stdout is the peer's bytes; the JSON result is on stderr");
            assertTrue(r.stderr().matches("(?s).*\\{.*\"tls\":\\{\"protocol\":\"TLSv1.3\",\"cipher\":\"TLS_[A-Z0-9_]+\",\"alpn\":null}}\n"), r.stderr());
            assertTrue(r.stderr().matches("(?s).*\"timings\":\\{\"dns\":[0-9.]+,\"connect\":[0-9.]+,\"tls\":[0-9.]+,.*"), r.stderr());
        }
    }

    @Test
    void tls12HalfCloseToo() throws Exception {
        try (OpensslServer server = OpensslServer.start(good, "-tls1_2")) {
            NkRun.Result r = NkRun.run("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                    "connect", "--tls", "--cacert", ca, "localhost", String.valueOf(server.port()));
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().startsWith("HTTP/1.0 200 ok"), r.out());
        }
    }

    @Test
    void clientCertificatesForServersThatAskForThem() throws Exception {
        Path client = certs.client();
        try (OpensslServer server = OpensslServer.start(good, "-Verify", "1", "-CAfile", ca)) {
            String port = String.valueOf(server.port());
            NkRun.Result with = NkRun.run("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), "connect", "--tls", "--cacert", ca,
                    "--cert", client.toString(), "--key", TestCerts.keyOf(client).toString(), "localhost", port);
            assertEquals(0, with.code(), with.toString());
            assertTrue(with.out().startsWith("HTTP/1.0 200 ok"), with.out());
            NkRun.Result without = NkRun.run("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), "connect", "--tls", "--cacert", ca,
                    "localhost", port);
            assertEquals(5, without.code(), without.toString());
            assertTrue(without.stderr().startsWith("nk: connect: the server requires a client certificate (--cert/--key)"), without.stderr());
        }
    }

    @Test
    void nginxOverTls() throws Exception {
        try (NginxServer nginx = NginxServer.startTls(dir, good, "hello from nginx\n")) {
            String port = String.valueOf(nginx.port());
            NkRun.Result report = NkRun.run("--json", "tls-get", "--cacert", ca, "--alpn", "h2,http/1.1", "localhost:" + port);
            assertEquals(0, report.code(), report.toString());
            assertTrue(report.out().contains("\"alpn\":\"h2\""), report.out());
            NkRun.Result get = NkRun.run("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                    "connect", "--tls", "--cacert", ca, "localhost", port);
            assertEquals(0, get.code(), get.toString());
            assertTrue(get.out().startsWith("HTTP/1.1 200 OK"), get.out());
            assertTrue(get.out().endsWith("hello from nginx\n"), get.out());
        }
    }

    @Test
    void aServerThatAnswersAndGoesAwayBeforeStdinEndsIsNotAFailure() throws Exception {
        // as nginx with "Connection: close": the request was whole, the answer came, and by the time stdin
        // ends the server is gone, so nk's close_notify cannot be written; no byte of stdin was lost
        javax.net.ssl.SSLContext tls = dev.netknife.support.ScriptedHttpServer.tlsContext(good, TestCerts.keyOf(good));
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dev.netknife.support.Accept.once(server, raw -> {
                javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(raw, null, raw.getPort(), false);
                s.setUseClientMode(false);
                new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                s.getOutputStream().write("answer\n".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput(); // close_notify: the answer is whole
                Thread.sleep(150);
                raw.setSoLinger(true, 0);
                raw.close(); // then a reset
            });
            java.io.InputStream requestThenLateEnd = new java.io.SequenceInputStream(
                    new ByteArrayInputStream("request\n".getBytes(StandardCharsets.US_ASCII)), new java.io.InputStream() {
                        @Override
                        public int read() {
                            try {
                                Thread.sleep(600); // stdin ends after the answer and the reset
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return -1;
                        }
                    });
            NkRun.Result r = NkRun.run(requestThenLateEnd, "connect", "--tls", "--cacert", ca, "localhost",
                    String.valueOf(server.getLocalPort()));
            assertEquals(0, r.code(), r.toString());
            assertEquals("answer\n", r.out());
            assertEquals("", r.stderr());
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStart() throws Exception {
        Path other = certs.wrongHost();
        NkRun.Result r = NkRun.run("echo-server", "--tls", "--cert", good.toString(), "--key", TestCerts.keyOf(other).toString(), "0");
        assertEquals(2, r.code(), r.toString());
        assertEquals("nk: echo-server: the key does not belong to the certificate (--key and --cert are not a pair)\n", r.stderr());
        Path rsaKey = TestCerts.keyOf(certs.rsaSelfSigned());
        NkRun.Result kinds = NkRun.run("ws", "--listen", "--tls", "--cert", good.toString(), "--key", rsaKey.toString(), "0");
        assertEquals(2, kinds.code(), "an RSA key for an EC certificate: " + kinds);
    }

    @Test
    void anRsaCertificateServesTls13() throws Exception {
        // TLS 1.3 signs only with RSA-PSS: without it an RSA certificate (the most common kind) served TLS 1.2 alone
        String openssl = Peers.require("openssl", "openssl");
        Path cert = certs.rsaSelfSigned();
        Path key = TestCerts.keyOf(cert);
        try (Background server = Background.start("echo-server", "--tls", "--cert", cert.toString(), "--key", key.toString(), "0")) {
            Process p = new ProcessBuilder(openssl, "s_client", "-tls1_3", "-quiet", "-no_ign_eof", "-CAfile", cert.toString(), "-verify_return_error",
                    "-servername", "localhost", "-connect", "127.0.0.1:" + server.port()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().write("over TLS 1.3\n".getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().flush();
            byte[] line = p.getInputStream().readNBytes("over TLS 1.3\n".length());
            p.getOutputStream().close();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals("over TLS 1.3\n", new String(line, StandardCharsets.US_ASCII));
            NkRun.Result nk = NkRun.run("x\n".getBytes(StandardCharsets.US_ASCII), "-v", "connect", "--tls", "--cacert", cert.toString(), "localhost", String.valueOf(server.port()));
            assertEquals(0, nk.code(), nk.toString());
            assertTrue(nk.stderr().contains("TLSv1.3"), nk.stderr());
        }
    }

    @Test
    void opensslClientTalksToNkEchoServer() throws Exception {
        String openssl = Peers.require("openssl", "openssl");
        try (Background server = tlsEcho()) {
            Process p = new ProcessBuilder(openssl, "s_client", "-quiet", "-no_ign_eof", "-CAfile", ca, "-verify_return_error",
                    "-servername", "localhost", "-connect", "127.0.0.1:" + server.port())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().write("hello from openssl\n".getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().flush();
            byte[] line = p.getInputStream().readNBytes("hello from openssl\n".length());
            p.getOutputStream().close();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals("hello from openssl\n", new String(line, StandardCharsets.US_ASCII));
            assertEquals(0, p.exitValue());
        }
    }

    @Test
    void selfSignedServerPrintsItsFingerprintAndVerifiesWithInsecureOnly() throws Exception {
        try (Background server = Background.start("echo-server", "--tls", "0")) {
            assertTrue(server.stderrLines().await("SHA-256", java.time.Duration.ofSeconds(5)));
            assertTrue(server.stderr().matches("nk: echo-server: TLS with a self-signed certificate for localhost, SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\\n"),
                    server.stderr());
            String port = String.valueOf(server.port());
            NkRun.Result refused = NkRun.run("x".getBytes(StandardCharsets.US_ASCII), "connect", "--tls", "localhost", port);
            assertEquals(5, refused.code());
            assertTrue(refused.stderr().startsWith("nk: connect: self-signed certificate (CN=nk self-signed)"), refused.stderr());
            NkRun.Result insecure = NkRun.run("x".getBytes(StandardCharsets.US_ASCII), "connect", "--tls", "--insecure", "localhost", port);
            assertEquals(0, insecure.code(), insecure.toString());
            assertEquals("x", insecure.out());
        }
    }

    @Test
    void aClientThatDoesNotSpeakTlsIsDroppedAndOthersAreServed() throws Exception {
        try (Background server = tlsEcho("-v")) {
            try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                plain.setSoTimeout(5000);
                plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                plain.getInputStream().readAllBytes(); // the server ends it (an alert, then close)
            }
            NkRun.Result r = NkRun.run("still here".getBytes(StandardCharsets.US_ASCII),
                    "connect", "--tls", "--cacert", ca, "localhost", String.valueOf(server.port()));
            assertEquals(0, r.code(), r.toString());
            assertEquals("still here", r.out());
        }
    }

    @Test
    void tlsOptionsNeedTls() {
        assertEquals("nk: connect: TLS options need --tls\n", NkRun.run("connect", "--insecure", "h", "1").stderr());
        assertEquals("nk: echo-server: --cert and --key need --tls\n", NkRun.run("echo-server", "--cert", good.toString(), "0").stderr());
        assertEquals(2, NkRun.run("connect", "--tls", "--tls-min", "1.4", "h", "1").code());
    }
}
