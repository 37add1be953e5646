package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Accept;
import dev.netknife.support.NkRun;
import dev.netknife.support.OpensslServer;
import dev.netknife.support.TestCerts;
import dev.netknife.tls.StartTls;
import dev.netknife.tls.TlsTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nk tls-get against openssl s_server with certificates made for each case. */
class TlsGetCommandTest {
    @TempDir
    static Path dir;
    static TestCerts certs;
    static String ca;

    @BeforeAll
    static void makeCerts() throws IOException {
        certs = new TestCerts(dir);
        ca = certs.caFile().toString();
    }

    private static NkRun.Result tlsGet(OpensslServer server, String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "tls-get";
        System.arraycopy(options, 0, args, 1, options.length);
        args[args.length - 1] = "localhost:" + server.port();
        return NkRun.run(args);
    }

    @Test
    void tls13WithAnRsaCertificateForTlsGetAndHttpGet() throws Exception {
        // BCJSSE on the JDK's providers offered no rsa_pss_rsae_* signature: every TLS 1.3 server with an RSA certificate failed
        Path rsa = certs.rsaSelfSigned();
        try (OpensslServer server = OpensslServer.start(rsa, "-tls1_3")) {
            NkRun.Result r = tlsGet(server, "--cacert", rsa.toString());
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("protocol   TLSv1.3"), r.out());
            assertTrue(r.out().contains("key      RSA 2048 bits"), r.out());
            NkRun.Result get = NkRun.run("http-get", "--cacert", rsa.toString(), "https://localhost:" + server.port() + "/");
            assertEquals(0, get.code(), get.toString());
            assertTrue(get.out().contains("TLSv1.3"), "s_server -www shows the session: " + get.out());
        }
    }

    @Test
    void reportsAVerifiedTls13Handshake() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-cert_chain", ca)) {
            NkRun.Result r = tlsGet(server, "--cacert", ca);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("protocol   TLSv1.3"), r.out());
            assertTrue(r.out().contains("verified   yes"), r.out());
            assertTrue(r.out().contains("chain (2 certificates, as sent)"), r.out());
            assertTrue(r.out().contains("[0] CN=localhost"), r.out());
            assertTrue(r.out().contains("[1] CN=nk test CA"), r.out());
            assertTrue(r.out().contains("names    localhost, 127.0.0.1, ::1"), r.out());
            assertTrue(r.out().contains("key      EC 256 bits, signed SHA256withECDSA"), r.out());
            assertTrue(r.out().matches("(?s).*valid    \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC to .* 89 days left.*"), r.out());
            assertEquals("", r.stderr());
        }
    }

    @Test
    void jsonNamesProtocolCipherAlpnAndChain() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-alpn", "h2,http/1.1")) {
            NkRun.Result r = NkRun.run("--json", "tls-get", "--cacert", ca, "--alpn", "h2", "https://localhost:" + server.port() + "/path?q");
            assertEquals(0, r.code(), r.toString());
            String json = r.out();
            assertTrue(json.startsWith("{\"schema\":\"nk/1\",\"command\":\"tls-get\",\"target\":\"localhost:" + server.port() + "\",\"ok\":true"), json);
            assertTrue(json.contains("\"tls\":{\"protocol\":\"TLSv1.3\",\"cipher\":\"TLS_"), json);
            assertTrue(json.contains("\"alpn\":\"h2\",\"sni\":\"localhost\""), json);
            assertTrue(json.contains("\"verified\":true,\"verify_error\":null,\"chain\":[{\"subject\":\"CN=localhost\""), json);
            assertTrue(json.matches("(?s).*\"timings\":\\{\"dns\":[0-9.]+,\"connect\":[0-9.]+,\"tls\":[0-9.]+,.*"), json);
        }
    }

    @Test
    void repeatCountsHandshakesAndResumedSessions() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-tls1_2")) {
            NkRun.Result r = NkRun.run("--json", "tls-get", "--cacert", ca, "--repeat", "5", "localhost:" + server.port());
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().matches("(?s).*\"repeat\":\\{\"handshakes\":5,\"seconds\":[0-9.]+,\"per_second\":[0-9.]+,\"resumed\":5,\"note\":null}.*"),
                    r.out());
        }
    }

    /** BCJSSE drops TLS 1.3 tickets; nk's ticket-keeping client resumes with them, with and without a HelloRetryRequest. */
    @Test
    void repeatResumesTls13SessionsWithTheServersTickets() throws Exception {
        for (String[] setup : List.of(new String[] {"-tls1_3"}, new String[] {"-tls1_3", "-groups", "P-384", "-ciphersuites", "TLS_AES_256_GCM_SHA384"},
                new String[] {"-tls1_3", "-num_tickets", "1", "-ciphersuites", "TLS_AES_128_GCM_SHA256"})) {
            try (OpensslServer server = OpensslServer.start(certs.good(), setup)) {
                NkRun.Result r = NkRun.run("tls-get", "--cacert", ca, "--repeat", "5", "localhost:" + server.port());
                assertEquals(0, r.code(), r.toString());
                assertTrue(r.out().contains("protocol   TLSv1.3"), r.out());
                assertTrue(r.out().matches("(?s).*repeat     5 handshakes in [0-9.]+ s: [0-9.]+/s, 5 resumed\n.*"), String.join(" ", setup) + "\n" + r.out());
            }
        }
    }

    /** s_time -new's measure: every handshake full, over both versions. */
    @Test
    void noResumeMakesEveryHandshakeAFullOne() throws Exception {
        for (String version : List.of("-tls1_2", "-tls1_3")) {
            try (OpensslServer server = OpensslServer.start(certs.good(), version)) {
                NkRun.Result r = NkRun.run("--json", "tls-get", "--cacert", ca, "--repeat", "4", "--no-resume", "localhost:" + server.port());
                assertEquals(0, r.code(), r.toString());
                assertTrue(r.out().contains("\"resumed\":0,\"note\":null}"), version + "\n" + r.out());
            }
        }
        NkRun.Result alone = NkRun.run("tls-get", "--no-resume", "localhost:1");
        assertEquals(2, alone.code(), alone.toString());
        assertEquals("nk: tls-get: --no-resume goes with --repeat N\n", alone.stderr());
    }

    @Test
    void repeatSaysWhenATls13ServerSendsNoTicket() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-tls1_3", "-num_tickets", "0")) {
            NkRun.Result r = NkRun.run("--json", "tls-get", "--cacert", ca, "--repeat", "3", "localhost:" + server.port());
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("\"resumed\":0,\"note\":\"the server sent no TLS 1.3 session ticket\"}"), r.out());
        }
    }

    @Test
    void tls12Works() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-tls1_2")) {
            NkRun.Result r = tlsGet(server, "--cacert", ca);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("protocol   TLSv1.2"), r.out());
        }
    }

    @Test
    void versionMismatchIsExit5() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-tls1_2")) {
            NkRun.Result r = NkRun.run("--json", "tls-get", "--cacert", ca, "--tls-min", "1.3", "localhost:" + server.port());
            assertEquals(5, r.code(), r.toString());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"protocol_version\",\"phase\":\"tls\""), r.out());
            assertTrue(r.stderr().startsWith("nk: tls-get: no TLS version in common with the server"), r.stderr());
        }
    }

    @Test
    void cipherMismatchIsExit5() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-tls1_2", "-cipher", "ECDHE-ECDSA-CAMELLIA128-SHA256")) {
            NkRun.Result r = NkRun.run("--json", "tls-get", "--cacert", ca, "localhost:" + server.port());
            assertEquals(5, r.code(), r.toString());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"no_common_cipher\",\"phase\":\"tls\""), r.out());
            assertTrue(r.stderr().startsWith("nk: tls-get: no cipher suite or parameters in common with the server"), r.stderr());
        }
    }

    @Test
    void cacertTakesADirectory() throws Exception {
        Path cas = Files.createDirectories(dir.resolve("cas"));
        Files.copy(Path.of(ca), cas.resolve("test-ca.crt"));
        try (OpensslServer server = OpensslServer.start(certs.good())) {
            NkRun.Result r = tlsGet(server, "--cacert", cas.toString());
            assertEquals(0, r.code(), r.toString());
        }
    }

    @Test
    void unknownAlpnIsExit5() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-alpn", "http/1.1")) {
            NkRun.Result r = tlsGet(server, "--cacert", ca, "--alpn", "h2");
            assertEquals(5, r.code(), r.toString());
            assertEquals("nk: tls-get: the server accepts none of the offered ALPN protocols (localhost:" + server.port() + ")\n", r.stderr());
        }
    }

    @Test
    void eachVerificationFailureSaysWhyAndStillShowsTheChain() throws Exception {
        record Case(Path cert, String kind, String message) {
        }
        Case[] cases = {
            new Case(certs.expired(), "expired", "nk: tls-get: certificate expired on "),
            new Case(certs.notYetValid(), "not_yet_valid", "nk: tls-get: certificate is not valid before "),
            new Case(certs.wrongHost(), "hostname_mismatch", "nk: tls-get: certificate is for other.example, not localhost"),
            new Case(certs.selfSigned(), "self_signed", "nk: tls-get: self-signed certificate (CN=localhost)"),
        };
        for (Case c : cases) {
            try (OpensslServer server = OpensslServer.start(c.cert())) {
                NkRun.Result r = tlsGet(server, "--cacert", ca);
                assertEquals(5, r.code(), c.kind() + ": " + r);
                assertTrue(r.stderr().startsWith(c.message()), c.kind() + ": " + r.stderr());
                assertTrue(r.out().contains("[0] CN="), "the chain is printed even on failure: " + r.out());
                assertTrue(r.out().matches("(?s).*protocol +TLSv1\\.3\n.*cipher +TLS_[A-Z0-9_]+\n.*"),
                        "what was negotiated shows, as s_client shows it: " + r.out());
                NkRun.Result json = NkRun.run("--json", "tls-get", "--cacert", ca, "localhost:" + server.port());
                assertTrue(json.out().contains("\"error\":{\"kind\":\"" + c.kind() + "\",\"phase\":\"tls\""), json.out());
                assertTrue(json.out().contains("\"verified\":false"), json.out());
            }
        }
    }

    @Test
    void unknownIssuerWithoutTheCa() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good())) {
            NkRun.Result r = tlsGet(server);
            assertEquals(5, r.code());
            assertEquals("nk: tls-get: certificate issuer is not trusted (CN=nk test CA); add its CA with --cacert (localhost:"
                    + server.port() + ")\n", r.stderr());
        }
    }

    @Test
    void anExpiredTrustAnchorStillFails() throws Exception {
        Path expiredSelf = certs.selfSigned(-30 * 86_400_000L, -86_400_000L);
        try (OpensslServer server = OpensslServer.start(expiredSelf)) {
            NkRun.Result r = tlsGet(server, "--cacert", expiredSelf.toString());
            assertEquals(5, r.code(), r.toString());
            assertTrue(r.stderr().startsWith("nk: tls-get: certificate expired on "), r.stderr());
        }
    }

    @Test
    void insecureConnectsWithAWarning() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.selfSigned())) {
            NkRun.Result r = tlsGet(server, "--insecure");
            assertEquals(0, r.code(), r.toString());
            assertEquals("nk: tls-get: warning: --insecure: the server's certificate is not verified\n", r.stderr());
            assertTrue(r.out().contains("verified   no, not enforced (--insecure): self-signed certificate"), r.out());
        }
    }

    @Test
    void minDaysFailsWith7OnACertificateExpiringIn3Days() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.expiresIn3Days())) {
            NkRun.Result r = tlsGet(server, "--cacert", ca, "--min-days", "10");
            assertEquals(7, r.code(), r.toString());
            assertEquals("nk: tls-get: certificate CN=localhost expires in 3 days, under --min-days 10 (localhost:" + server.port() + ")\n",
                    r.stderr());
            assertEquals(0, tlsGet(server, "--cacert", ca, "--min-days", "2").code());
        }
    }

    @Test
    void savesTheChainAsPem() throws Exception {
        Path saved = dir.resolve("saved.pem");
        try (OpensslServer server = OpensslServer.start(certs.good(), "-cert_chain", ca)) {
            assertEquals(0, tlsGet(server, "--cacert", ca, "--save-chain", saved.toString()).code());
        }
        String pem = Files.readString(saved);
        assertEquals(2, pem.split("-----BEGIN CERTIFICATE-----", -1).length - 1, pem);
    }

    @Test
    void aPeerThatClosesDuringTheHandshake() throws Exception {
        try (ServerSocket rude = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Accept.once(rude, s -> s.getInputStream().read());
            NkRun.Result r = NkRun.run("tls-get", "127.0.0.1:" + rude.getLocalPort());
            assertEquals(5, r.code(), r.toString());
            assertTrue(r.stderr().startsWith("nk: tls-get: the peer closed the connection during the TLS handshake"), r.stderr());
        }
    }

    @Test
    void aPeerThatDoesNotSpeakTls() throws Exception {
        try (ServerSocket http = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Accept.once(http, s -> {
                s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().read();
            });
            NkRun.Result r = NkRun.run("--json", "tls-get", "127.0.0.1:" + http.getLocalPort());
            assertEquals(5, r.code(), r.toString());
            assertTrue(r.out().contains("\"kind\":\"not_tls\""), r.out());
        }
    }

    @Test
    void aStalledHandshakeTimesOutWith124() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Accept.once(silent, s -> Thread.sleep(5000));
            long start = System.nanoTime();
            NkRun.Result r = NkRun.run("--json", "tls-get", "--connect-timeout", "300ms", "127.0.0.1:" + silent.getLocalPort());
            assertEquals(124, r.code(), r.toString());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"timeout\",\"phase\":\"tls\""), r.out());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 3000);
        }
    }

    @Test
    void targetsParse() {
        assertEquals("example.com:443", TlsTarget.parse("example.com", null).endpoint().toString());
        assertEquals("example.com:8443", TlsTarget.parse("https://user@example.com:8443/a?b#c", null).endpoint().toString());
        assertEquals("[::1]:443", TlsTarget.parse("[::1]", null).endpoint().toString());
        assertEquals("[::1]:443", TlsTarget.parse("::1", null).endpoint().toString());
        assertEquals("[::1]:9", TlsTarget.parse("[::1]:9", null).endpoint().toString());
        assertEquals(new TlsTarget(dev.netknife.io.Endpoint.of("mail.example.com", "25"), StartTls.Protocol.SMTP),
                TlsTarget.parse("smtp://mail.example.com", null));
        assertEquals(new TlsTarget(dev.netknife.io.Endpoint.of("db", "6543"), StartTls.Protocol.POSTGRES),
                TlsTarget.parse("postgresql://user@db:6543/app?sslmode=require", null));
        assertEquals(new TlsTarget(dev.netknife.io.Endpoint.of("h", "993"), null), TlsTarget.parse("IMAPS://h/", null));
        assertEquals(new TlsTarget(dev.netknife.io.Endpoint.of("h", "143"), StartTls.Protocol.IMAP), TlsTarget.parse("h", "IMAP"));
        assertEquals(new TlsTarget(dev.netknife.io.Endpoint.of("::1", "5222"), StartTls.Protocol.XMPP), TlsTarget.parse("::1", "xmpp"));
        NkRun.Result http = NkRun.run("tls-get", "http://x");
        assertEquals(2, http.code());
        assertTrue(http.stderr().startsWith("nk: tls-get: unsupported URL scheme in 'http://x': expected https://"), http.stderr());
        NkRun.Result contradiction = NkRun.run("tls-get", "--starttls", "imap", "smtp://x");
        assertEquals("nk: tls-get: --starttls imap contradicts the target's scheme in 'smtp://x'\n", contradiction.stderr());
        NkRun.Result unknown = NkRun.run("tls-get", "--starttls", "gopher", "x");
        assertEquals("nk: tls-get: --starttls: unknown protocol 'gopher' (smtp, lmtp, imap, pop3, ftp, nntp, sieve, xmpp, postgres, ldap)\n",
                unknown.stderr());
    }

    @Test
    void cipherSuitesInIanaOrOpensslNamesAndOnlyThoseAreOffered() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384")) {
            NkRun.Result openssl = tlsGet(server, "--cacert", ca, "--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384");
            assertEquals(0, openssl.code(), openssl.toString());
            assertTrue(openssl.out().contains("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), openssl.out());
            NkRun.Result iana = tlsGet(server, "--cacert", ca, "--ciphers", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
            assertEquals(0, iana.code(), iana.toString());
            NkRun.Result other = tlsGet(server, "--json", "--cacert", ca, "--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256");
            assertEquals(5, other.code(), other.toString());
            assertTrue(other.out().contains("\"kind\":\"no_common_cipher\""), other.out());
        }
        NkRun.Result unknown = NkRun.run("tls-get", "--ciphers", "HIGH:!aNULL", "localhost:1");
        assertEquals(2, unknown.code(), unknown.toString());
        assertTrue(unknown.stderr().startsWith("nk: tls-get: --ciphers: unknown name 'HIGH'"), unknown.stderr());
    }

    @Test
    void groupsAreOfferedAsAsked() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-groups", "X25519")) {
            // the server's certificate is P-256: its curve is listed for the signature, X25519 first for the key exchange
            assertEquals(0, tlsGet(server, "--cacert", ca, "--groups", "X25519,P-256").code());
            NkRun.Result p256 = tlsGet(server, "--json", "--cacert", ca, "--groups", "P-256,P-384");
            assertEquals(5, p256.code(), p256.toString());
            assertTrue(p256.out().contains("\"kind\":\"no_common_cipher\""), p256.out());
        }
        NkRun.Result unknown = NkRun.run("tls-get", "--groups", "P-999", "localhost:1");
        assertEquals(2, unknown.code(), unknown.toString());
    }

    @Test
    void theChainAsPemOnStdoutForPipes() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-cert_chain", ca)) {
            NkRun.Result r = tlsGet(server, "-q", "--cacert", ca, "--save-chain", "-");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().startsWith("-----BEGIN CERTIFICATE-----"), r.out());
            assertEquals(2, r.out().split("-----BEGIN CERTIFICATE-----", -1).length - 1, r.out());
            NkRun.Result json = tlsGet(server, "--json", "--save-chain", "-");
            assertEquals(2, json.code(), json.toString());
        }
    }

    /** An OCSP response for {@code leaf} from its issuer, made by openssl ocsp from a one-line CA index ("V" valid, "R" revoked). */
    private static Path ocspResponse(String name, dev.netknife.support.CertForge.Forged leaf, Path issuerPem, boolean revoked) throws Exception {
        String openssl = dev.netknife.support.Peers.require("openssl", "openssl");
        java.time.format.DateTimeFormatter asn1 = java.time.format.DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(java.time.ZoneOffset.UTC);
        String serial = leaf.cert().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        serial = serial.length() % 2 == 1 ? "0" + serial : serial;
        Path index = Files.writeString(dir.resolve(name + ".index"), (revoked ? "R" : "V") + "\t" + asn1.format(leaf.cert().getNotAfter().toInstant())
                + "\t" + (revoked ? asn1.format(java.time.Instant.now().minusSeconds(3600)) : "") + "\t" + serial + "\tunknown\t/CN=localhost\n");
        Path leafPem = Files.writeString(dir.resolve(name + "-leaf-only.pem"), dev.netknife.tls.Pem.write(java.util.List.of(leaf.cert())));
        Path response = dir.resolve(name + ".der");
        Process p = new ProcessBuilder(openssl, "ocsp", "-index", index.toString(), "-rsigner", issuerPem.toString(), "-rkey",
                TestCerts.keyOf(issuerPem).toString(), "-CA", issuerPem.toString(), "-issuer", issuerPem.toString(), "-cert", leafPem.toString(),
                "-respout", response.toString(), "-ndays", "1").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        return response;
    }

    @Test
    void statusShowsTheStapledOcspResponseAndARevokedOneFails() throws Exception {
        dev.netknife.support.CertForge.Forged root = dev.netknife.support.CertForge.root("CN=ocsp root").make();
        Path rootPem = dev.netknife.support.CertForge.write(dir, "ocsp-root", root);
        dev.netknife.support.CertForge.Forged leaf = dev.netknife.support.CertForge.leaf("CN=localhost", root).make();
        Path chain = dev.netknife.support.CertForge.write(dir, "ocsp-leaf", leaf, root);
        // over TLS 1.3 the staple travels in the certificate entry, which BCJSSE does not pass on: 1.2 only, and 1.3 says so
        try (OpensslServer server = OpensslServer.start(chain, "-tls1_3", "-status_file", ocspResponse("good13", leaf, rootPem, false).toString())) {
            NkRun.Result r = tlsGet(server, "--cacert", rootPem.toString(), "--status");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("ocsp       no response stapled (over TLS 1.3 BCJSSE does not report a staple: --tls-max 1.2 shows it)"),
                    r.out());
        }
        for (String version : new String[] {"-tls1_2"}) {
            try (OpensslServer server = OpensslServer.start(chain, version, "-status_file", ocspResponse("good", leaf, rootPem, false).toString())) {
                NkRun.Result r = tlsGet(server, "--cacert", rootPem.toString(), "--status");
                assertEquals(0, r.code(), r.toString());
                assertTrue(r.out().matches("(?s).*ocsp       good \\(produced .*, this update .*, next update .*, signed by the issuer\\).*"), r.out());
                NkRun.Result json = tlsGet(server, "--json", "--cacert", rootPem.toString(), "--status");
                assertTrue(json.out().contains("\"ocsp\":{\"status\":\"good\""), json.out());
            }
            try (OpensslServer server = OpensslServer.start(chain, version, "-status_file", ocspResponse("revoked", leaf, rootPem, true).toString())) {
                NkRun.Result r = tlsGet(server, "--json", "--cacert", rootPem.toString(), "--status");
                assertEquals(5, r.code(), r.toString());
                assertTrue(r.stderr().startsWith("nk: tls-get: certificate revoked on "), r.stderr());
                assertTrue(r.out().contains("\"kind\":\"revoked\""), r.out());
            }
        }
        try (OpensslServer server = OpensslServer.start(chain, "-tls1_2")) {
            NkRun.Result none = tlsGet(server, "--cacert", rootPem.toString(), "--status");
            assertEquals(0, none.code(), none.toString());
            assertTrue(none.out().contains("ocsp       no response stapled"), none.out());
        }
    }
}
