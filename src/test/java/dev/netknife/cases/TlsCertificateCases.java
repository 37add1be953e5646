package dev.netknife.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Background;
import dev.netknife.support.NginxServer;
import dev.netknife.support.NkRun;
import dev.netknife.support.OpensslServer;
import dev.netknife.support.TestCerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Certificate verification as a user meets it, with every certificate made at test time: a
 * valid three-level chain, and each way a chain can be wrong (dates, self-signed, untrusted
 * root, host name, CN without subjectAltName, wildcard depth, missing intermediate, an
 * intermediate that is not a CA, a leaf only for clients), plus a server that speaks only TLS 1.1.
 * Only the valid chain passes; every other one is exit 5 with stderr naming the failed check,
 * and passes with {@code --insecure} and its warning. Servers are {@code openssl s_server},
 * nginx and nk's own TLS server; clients are {@code tls-get}, {@code http-get https://} and
 * {@code connect --tls}. Cases 0500–0529.
 */
class TlsCertificateCases {
    private static final String INSECURE_WARNING = "warning: --insecure: the server's certificate is not verified\n";

    @TempDir
    static Path dir;
    static TestCerts certs;
    static String ca;
    static String root;

    @BeforeAll
    static void makeCerts() throws IOException {
        certs = new TestCerts(dir);
        ca = certs.caFile().toString();
        root = certs.rootFile().toString();
    }

    @FunctionalInterface
    interface CertFile {
        Path make() throws IOException;
    }

    /** A certificate case: the served file, whether its whole chain is sent, the trust anchor, SNI, and what nk must say. */
    record Served(CertFile cert, boolean sendChain, String trust, String serverName, String kind, String says) {
    }

    static Stream<Arguments> brokenChains() {
        return Stream.of(
                Arguments.of("0501", "expired leaf", new Served(() -> certs.expired(), false, "ca", null, "expired",
                        "certificate expired on ")),
                Arguments.of("0502", "leaf not yet valid", new Served(() -> certs.notYetValid(), false, "ca", null, "not_yet_valid",
                        "certificate is not valid before ")),
                Arguments.of("0503", "self-signed leaf", new Served(() -> certs.selfSigned(), false, "ca", null, "self_signed",
                        "self-signed certificate (CN=localhost)")),
                Arguments.of("0504", "chain to an untrusted root", new Served(() -> certs.untrustedRoot(), true, "ca", null, "unknown_issuer",
                        "certificate issuer is not trusted (CN=nk untrusted root)")),
                Arguments.of("0505", "leaf for another host", new Served(() -> certs.wrongHost(), false, "ca", null, "hostname_mismatch",
                        "certificate is for other.example, not localhost")),
                Arguments.of("0506", "host only in the CN, no subjectAltName", new Served(() -> certs.cnOnly(), false, "ca", null,
                        "hostname_mismatch", "certificate has no subject alternative names")),
                Arguments.of("0507", "*.example.test does not match a.b.example.test", new Served(() -> certs.wildcard(), false, "ca",
                        "a.b.example.test", "hostname_mismatch", "certificate is for *.example.test, not a.b.example.test")),
                Arguments.of("0508", "incomplete chain: leaf sent without its intermediate", new Served(() -> certs.withoutIntermediate(), false,
                        "root", null, "unknown_issuer", "certificate issuer is not trusted (CN=nk test intermediate)")),
                Arguments.of("0509", "intermediate with CA:FALSE", new Served(() -> certs.viaNonCaIntermediate(), true, "root", null,
                        "not_a_ca", "chain certificate 1 (CN=nk test non-CA intermediate) is not a CA")),
                Arguments.of("0510", "leaf whose extended key usage is clientAuth only", new Served(() -> certs.clientAuthOnly(), false, "ca",
                        null, "key_usage", "certificate is not for TLS servers (extended key usage clientAuth)")));
    }

    @Test
    void case0500AValidChainOfLeafIntermediateAndRootVerifies() throws Exception {
        try (OpensslServer server = OpensslServer.startSendingChain(certs.viaIntermediate())) {
            NkRun.Result r = NkRun.run("tls-get", "--cacert", root, "localhost:" + server.port());
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("verified   yes"), r.out());
            assertTrue(r.out().contains("chain (2 certificates, as sent)"), r.out());
            assertTrue(r.out().contains("[1] CN=nk test intermediate"), r.out());
            assertEquals("", r.stderr());
        }
    }

    static Stream<Arguments> brokenChainsOverBothVersions() {
        return brokenChains().flatMap(a -> Stream.of("-tls1_2", "-tls1_3").map(v -> Arguments.of(a.get()[0], a.get()[1], v, a.get()[2])));
    }

    @ParameterizedTest(name = "case {0}: {1} ({2}) is exit 5 naming the check, and passes with --insecure and its warning")
    @MethodSource("brokenChainsOverBothVersions")
    void brokenChainIsRefusedUnlessInsecure(String number, String what, String version, Served c) throws Exception {
        Path cert = c.cert().make();
        try (OpensslServer server = c.sendChain() ? OpensslServer.startSendingChain(cert, version) : OpensslServer.start(cert, version)) {
            String trust = c.trust().equals("root") ? root : ca;
            NkRun.Result strict = NkRun.run(tlsGet(server, c, "--json", "--cacert", trust));
            assertEquals(5, strict.code(), strict.toString());
            assertTrue(strict.stderr().startsWith("nk: tls-get: " + c.says()), strict.stderr());
            assertTrue(strict.out().contains("\"error\":{\"kind\":\"" + c.kind() + "\",\"phase\":\"tls\""), strict.out());
            assertTrue(strict.out().contains("\"chain\":[{\"subject\":\"CN="), "the chain is reported even on failure: " + strict.out());

            NkRun.Result insecure = NkRun.run(tlsGet(server, c, "--insecure", "--cacert", trust));
            assertEquals(0, insecure.code(), insecure.toString());
            assertEquals("nk: tls-get: " + INSECURE_WARNING, insecure.stderr());
            assertTrue(insecure.out().contains("verified   no, not enforced (--insecure): " + c.says()), insecure.out());
        }
    }

    private static String[] tlsGet(OpensslServer server, Served c, String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        args.addFirst("tls-get");
        if (c.serverName() != null) {
            args.addAll(List.of("--servername", c.serverName()));
        }
        args.add("localhost:" + server.port());
        return args.toArray(String[]::new);
    }

    @Test
    void case0511AWildcardMatchesExactlyOneLabel() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.wildcard())) {
            NkRun.Result r = NkRun.run("tls-get", "--cacert", ca, "--servername", "a.example.test", "localhost:" + server.port());
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("verified   yes"), r.out());
            NkRun.Result bare = NkRun.run("tls-get", "--cacert", ca, "--servername", "example.test", "localhost:" + server.port());
            assertEquals(5, bare.code(), bare.toString());
            assertTrue(bare.stderr().startsWith("nk: tls-get: certificate is for *.example.test, not example.test"), bare.stderr());
        }
    }

    @Test
    void case0512HttpGetRefusesAnExpiredCertificateAndFetchesWithInsecure() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.expired())) {
            String url = "https://localhost:" + server.port() + "/";
            NkRun.Result strict = NkRun.run("http-get", "--cacert", ca, url);
            assertEquals(5, strict.code(), strict.toString());
            assertTrue(strict.stderr().startsWith("nk: http-get: certificate expired on "), strict.stderr());
            assertEquals(0, strict.stdout().length, "no body without a verified server");

            NkRun.Result insecure = NkRun.run("http-get", "--insecure", "--cacert", ca, url);
            assertEquals(0, insecure.code(), insecure.toString());
            assertEquals("nk: http-get: " + INSECURE_WARNING, insecure.stderr());
            assertTrue(insecure.out().contains("s_server"), insecure.out());
        }
    }

    @Test
    void case0513HttpGetVerifiesTheChainNginxSendsAgainstTheRoot() throws Exception {
        try (NginxServer nginx = NginxServer.startTls(dir, certs.viaIntermediate(), "chained\n")) {
            NkRun.Result r = NkRun.run("http-get", "--cacert", root, "https://localhost:" + nginx.port() + "/");
            assertEquals(0, r.code(), r.toString());
            assertEquals("chained\n", r.out());
            NkRun.Result withoutRoot = NkRun.run("http-get", "--cacert", ca, "https://localhost:" + nginx.port() + "/");
            assertEquals(5, withoutRoot.code(), withoutRoot.toString());
            assertTrue(withoutRoot.stderr().startsWith("nk: http-get: certificate issuer is not trusted (CN=nk test root)"), withoutRoot.stderr());
        }
    }

    @Test
    void case0514ConnectTlsRefusesACnOnlyCertificateFromNksOwnServer() throws Exception {
        Path cnOnly = certs.cnOnly();
        try (Background server = tlsEchoServer(cnOnly)) {
            NkRun.Result strict = connectTls(server, "--cacert", ca);
            assertEquals(5, strict.code(), strict.toString());
            assertTrue(strict.stderr().startsWith("nk: connect: certificate has no subject alternative names"), strict.stderr());
            assertEquals(0, strict.stdout().length);

            NkRun.Result insecure = connectTls(server, "--insecure");
            assertEquals(0, insecure.code(), insecure.toString());
            assertEquals("hello\n", insecure.out());
            assertEquals("nk: connect: " + INSECURE_WARNING, insecure.stderr());
        }
    }

    @Test
    void case0515ConnectTlsVerifiesTheChainNksServerSends() throws Exception {
        Path chain = certs.viaIntermediate();
        try (Background server = tlsEchoServer(chain)) {
            NkRun.Result r = connectTls(server, "--cacert", root);
            assertEquals(0, r.code(), r.toString());
            assertEquals("hello\n", r.out());
        }
    }

    @Test
    void case0516ConnectTlsNamesTheMissingIntermediate() throws Exception {
        Path leafOnly = certs.withoutIntermediate();
        try (Background server = tlsEchoServer(leafOnly)) {
            NkRun.Result r = connectTls(server, "--cacert", root);
            assertEquals(5, r.code(), r.toString());
            assertTrue(r.stderr().startsWith("nk: connect: certificate issuer is not trusted (CN=nk test intermediate)"), r.stderr());
        }
    }

    /** nk's own TLS echo server presenting {@code chain} (its key beside it). */
    private static Background tlsEchoServer(Path chain) throws Exception {
        return Background.start("echo-server", "--tls", "--cert", chain.toString(), "--key", TestCerts.keyOf(chain).toString(), "0");
    }

    /** {@code nk connect --tls TRUST... localhost PORT} sending one line. */
    private static NkRun.Result connectTls(Background server, String... trust) {
        List<String> args = new ArrayList<>(List.of("connect", "--tls"));
        args.addAll(List.of(trust));
        args.addAll(List.of("localhost", String.valueOf(server.port())));
        return NkRun.run("hello\n".getBytes(StandardCharsets.US_ASCII), args.toArray(String[]::new));
    }

    @Test
    void case0517AServerThatSpeaksOnlyTls11FailsTheHandshakeNamingTheVersion() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")) {
            NkRun.Result r = NkRun.run("--json", "tls-get", "--cacert", ca, "localhost:" + server.port());
            assertEquals(5, r.code(), r.toString());
            assertTrue(r.stderr().startsWith("nk: tls-get: no TLS version in common with the server"), r.stderr());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"protocol_version\",\"phase\":\"tls\""), r.out());
        }
    }

    @Test
    void case0518InsecureDoesNotLowerTheTlsVersion() throws Exception {
        try (OpensslServer server = OpensslServer.start(certs.good(), "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")) {
            NkRun.Result r = NkRun.run("http-get", "--insecure", "https://localhost:" + server.port() + "/");
            assertEquals(5, r.code(), r.toString());
            assertTrue(r.stderr().contains("nk: http-get: no TLS version in common with the server"), r.stderr());
        }
    }
}
