package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.NkRun;
import dev.netknife.support.OpensslServer;
import dev.netknife.support.Peers;
import dev.netknife.support.TestCerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls-get --scan} against {@code openssl s_server} in several configurations, each compared with what
 * sslscan finds on the same server: the same versions and, per version, the same set of cipher suites (by code),
 * the first of them the server's choice when it picks by its own order.
 */
class TlsScanTest {
    @TempDir
    static Path dir;
    static TestCerts certs;
    static String ca;

    @BeforeAll
    static void makeCerts() throws Exception {
        certs = new TestCerts(dir);
        ca = certs.caFile().toString();
    }

    /** What a scanner found: enabled versions, and "version code" pairs of accepted suites. */
    record Found(TreeSet<String> versions, TreeSet<String> suites, List<String> firstPerVersion) {
    }

    private static Found sslscan(int port) throws Exception {
        String sslscan = Peers.require("sslscan", "sslscan");
        Process p = new ProcessBuilder(sslscan, "--no-colour", "--xml=-", "127.0.0.1:" + port).redirectErrorStream(false).start();
        String xml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        TreeSet<String> versions = new TreeSet<>();
        Matcher protocol = Pattern.compile("<protocol type=\"(\\w+)\" version=\"([\\d.]+)\" enabled=\"1\"").matcher(xml);
        while (protocol.find()) {
            versions.add((protocol.group(1).equals("ssl") ? "SSLv" : "TLSv") + protocol.group(2));
        }
        TreeSet<String> suites = new TreeSet<>();
        List<String> first = new ArrayList<>();
        Matcher cipher = Pattern.compile("<cipher status=\"(\\w+)\" sslversion=\"([\\w.]+)\"[^>]* id=\"0x([0-9A-Fa-f]+)\"").matcher(xml);
        while (cipher.find()) {
            String entry = cipher.group(2) + " " + cipher.group(3).toUpperCase(Locale.ROOT);
            suites.add(entry);
            if (cipher.group(1).equals("preferred")) {
                first.add(entry);
            }
        }
        return new Found(versions, suites, first);
    }

    private static Found nk(NkRun.Result r) {
        TreeSet<String> versions = new TreeSet<>();
        TreeSet<String> suites = new TreeSet<>();
        List<String> first = new ArrayList<>();
        for (String part : r.out().split("\\{\"version\":\"")) {
            Matcher v = Pattern.compile("^([\\w.]+)\",\"enabled\":(true|false)").matcher(part);
            if (!v.find()) {
                continue;
            }
            if (v.group(2).equals("true")) {
                versions.add(v.group(1));
            }
            Matcher code = Pattern.compile("\"code\":\"0x([0-9A-F]+)\"").matcher(part);
            boolean firstOne = true;
            while (code.find()) {
                String entry = v.group(1) + " " + code.group(1);
                suites.add(entry);
                if (firstOne) {
                    first.add(entry);
                    firstOne = false;
                }
            }
        }
        return new Found(versions, suites, first);
    }

    private static NkRun.Result scan(OpensslServer server, String... more) {
        List<String> args = new ArrayList<>(List.of("--json", "tls-get", "--scan", "--cacert", ca));
        args.addAll(List.of(more));
        args.add("localhost:" + server.port());
        return NkRun.run(args.toArray(String[]::new));
    }

    private static void assertSameAsSslscan(OpensslServer server, NkRun.Result r) throws Exception {
        Found ours = nk(r);
        Found theirs = sslscan(server.port());
        assertEquals(theirs.versions(), ours.versions(), r.out());
        assertEquals(theirs.suites(), ours.suites(), r.out());
        assertTrue(!ours.suites().isEmpty());
    }

    @Test
    void ecCertificateWithOpensslDefaults() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good())) {
            NkRun.Result r = scan(server);
            assertEquals(0, r.code(), r.toString());
            assertSameAsSslscan(server, r);
            assertTrue(r.out().contains("\"groups_tls13\":[\"x25519\",\"secp256r1\",\"x448\",\"secp521r1\",\"secp384r1\",\"ffdhe2048\""), r.out());
            assertTrue(r.out().contains("\"groups_ecdhe\":[\"x25519\",\"secp256r1\",\"secp384r1\",\"secp521r1\",\"x448\"]"), r.out());
            assertTrue(r.out().contains("\"secure_renegotiation\":true,\"compression\":false"), r.out());
            assertTrue(r.out().contains("\"session_tickets\":true,\"resumption_tls12\":true,\"resumption_tls13\":true"), r.out());
            assertTrue(r.out().contains("\"weak\":[],"), r.out());
            assertTrue(r.out().contains("\"verdict\":\"good: TLSv1.2, TLSv1.3, 10 suites, nothing weak\""), r.out());
            assertTrue(r.out().contains("\"verified\":true"), r.out());
        }
    }

    @Test
    void tls12OnlyWithARestrictedListInTheServersOrder() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.rsaSelfSigned(), "-no_tls1_3", "-serverpref", "-cipher",
                "ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:AES256-SHA")) {
            NkRun.Result r = scan(server, "--insecure");
            assertEquals(0, r.code(), r.toString());
            assertSameAsSslscan(server, r);
            assertEquals(List.of("TLSv1.2 C02F"), nk(r).firstPerVersion(), "the server's first choice comes first");
            assertTrue(r.out().contains("{\"version\":\"TLSv1.2\",\"enabled\":true,\"server_order\":true"), r.out());
            assertTrue(r.out().contains("\"key_exchange\":\"DHE 2048 bits\""), r.out());
            assertTrue(r.out().contains("\"notes\":[\"no forward secrecy with AES256-SHA\"]"), r.out());
        }
    }

    @Test
    void tls13OnlyAndTheClientsOrder() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
                "-groups", "P-384:X25519")) {
            NkRun.Result r = scan(server);
            assertEquals(0, r.code(), r.toString());
            assertSameAsSslscan(server, r);
            assertTrue(r.out().contains("\"server_order\":false"), r.out());
            assertTrue(r.out().contains("\"groups_tls13\":[\"x25519\",\"secp384r1\"]") || r.out().contains("\"groups_tls13\":[\"secp384r1\",\"x25519\"]"),
                    r.out());
            assertTrue(r.out().contains("\"alpn\":null"), r.out());
            assertTrue(r.out().contains("\"resumption_tls12\":null,\"resumption_tls13\":true"), r.out());
        }
    }

    @Test
    void oldVersionsAndWeakSuitesAreFlaggedAndFailTheScan() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.rsaSelfSigned(), "-tls1", "-cipher", "AES128-SHA:@SECLEVEL=0")) {
            NkRun.Result r = scan(server, "--insecure");
            assertEquals(7, r.code(), r.toString());
            assertSameAsSslscan(server, r);
            assertTrue(r.out().contains("\"weak\":[\"TLSv1.0 enabled (deprecated by RFC 8996)\",\"neither TLSv1.2 nor TLSv1.3\","
                    + "\"CBC suites with TLSv1.0 or older (BEAST): AES128-SHA\"]"), r.out());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"weak\""), r.out());
        }
    }

    @Test
    void alpnInTheServersOrderAndTheTableForPeople() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-alpn", "http/1.1,h2")) {
            NkRun.Result r = NkRun.run("tls-get", "--scan", "--cacert", ca, "localhost:" + server.port());
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("  ALPN                  http/1.1, h2\n"), r.out());
            assertTrue(r.out().contains("\nverdict   good: TLSv1.2, TLSv1.3, 10 suites, nothing weak  ("), r.out());
            assertTrue(r.out().contains("  TLSv1.2, the client's order\n    ECDHE-ECDSA-AES128-SHA "), r.out());
        }
    }

    @Test
    void scanNeedsNoOtherReportOptions() {
        NkRun.Result r = NkRun.run("tls-get", "--scan", "--repeat", "3", "localhost:1");
        assertEquals(2, r.code(), r.toString());
        assertEquals("nk: tls-get: --scan reports on its own: leave out --repeat, --status and --save-chain\n", r.stderr());
    }
}
