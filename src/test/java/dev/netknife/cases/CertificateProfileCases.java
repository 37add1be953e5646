package dev.netknife.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.CertForge;
import dev.netknife.support.CertForge.Forged;
import dev.netknife.support.NkRun;
import dev.netknife.support.OpensslServer;
import dev.netknife.support.Peers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Certificate verification as strict as the strictest public verifiers (Go, rustls-webpki,
 * pyca/cryptography): name matching that keeps DNS and IP identities apart, a --cacert anchor that
 * is itself checked (dates, name constraints over the chain, critical extensions, its own profile,
 * its key), the RFC 5280 and CA/Browser Forum profile of leaves and intermediates, and the chains
 * that must still pass (an expired cross-certificate off the valid path, a self-signed server
 * certificate trusted as it is, a name with an underscore). Every chain is made here with bcpkix
 * and served by {@code openssl s_server} over TLS 1.2 and over TLS 1.3. Cases 0530-0571.
 */
class CertificateProfileCases {
    @TempDir
    static Path dir;
    static Forged root;
    static Path rootFile;

    @BeforeAll
    static void makeRoot() throws IOException {
        root = CertForge.root("CN=nk profile root").make();
        rootFile = CertForge.write(dir, "profile-root", root);
    }

    /** What is served (leaf first, then what the server sends with it), the anchor file, the name nk checks, and the target host. */
    record Chain(Path served, Path trust, String serverName, String host) {
        static Chain of(Path served, Path trust) {
            return new Chain(served, trust, null, "localhost");
        }
    }

    @FunctionalInterface
    interface Maker {
        Chain make() throws IOException;
    }

    private static List<GeneralName> dnsNames(String... names) {
        return Stream.of(names).map(n -> new GeneralName(GeneralName.dNSName, n)).toList();
    }

    private static List<GeneralName> ipRanges(String... ranges) {
        return Stream.of(ranges).map(r -> new GeneralName(GeneralName.iPAddress, r)).toList();
    }

    /** A leaf under {@code ca} (which the served file carries after the leaf) with {@code ca}'s root as the anchor. */
    private static Chain underRoot(String name, Forged leaf, Forged... intermediates) throws IOException {
        return Chain.of(CertForge.write(dir, name, leaf, intermediates), rootFile);
    }

    /** A root of its own (what the case is about) given with --cacert, and a good leaf under it. */
    private static Chain underOwnRoot(String name, CertForge anchor) throws IOException {
        Forged own = anchor.make();
        Forged leaf = CertForge.leaf("CN=localhost", own).make();
        return Chain.of(CertForge.write(dir, name, leaf), CertForge.write(dir, name + "-root", own));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                row("0530", "a DNS name written as an IPv4 address does not match that address", () -> new Chain(
                        CertForge.write(dir, "dns-ip", CertForge.leaf("CN=x", root).dns("127.0.0.1").make()), rootFile, null, "127.0.0.1"),
                        "hostname_mismatch", "certificate is for DNS:127.0.0.1, not the IP address 127.0.0.1"),
                row("0531", "a DNS name that old parsers read as 127.0.0.1 (one number) does not match it", () -> new Chain(
                        CertForge.write(dir, "dns-int", CertForge.leaf("CN=x", root).dns("2130706433").make()), rootFile, null, "127.0.0.1"),
                        "hostname_mismatch", "certificate is for DNS:2130706433, not the IP address 127.0.0.1"),
                row("0532", "a DNS name with a zero-padded octet does not match the address", () -> new Chain(
                        CertForge.write(dir, "dns-pad", CertForge.leaf("CN=x", root).dns("127.0.0.01").make()), rootFile, null, "127.0.0.1"),
                        "hostname_mismatch", "certificate is for DNS:127.0.0.01, not the IP address 127.0.0.1"),
                row("0533", "an expired --cacert root", () -> underOwnRoot("expired-root", CertForge.root("CN=expired root").valid(-400, -1)),
                        "expired", "trusted CA certificate expired on "),
                row("0534", "a root whose name constraints exclude the leaf's DNS name", () -> underOwnRoot("nc-excluded-dns",
                        CertForge.root("CN=nc root").nameConstraints(List.of(), dnsNames("localhost"))), "name_constraints",
                        "a name in the chain is outside the name constraints of a CA"),
                row("0535", "a root that permits only another DNS subtree", () -> underOwnRoot("nc-permitted-dns",
                        CertForge.root("CN=nc root").nameConstraints(dnsNames("example.test"), List.of())), "name_constraints",
                        "a name in the chain is outside the name constraints of a CA"),
                row("0536", "a root that excludes 127.0.0.0/8", () -> underOwnRoot("nc-excluded-ipv4",
                        CertForge.root("CN=nc root").nameConstraints(List.of(), ipRanges("127.0.0.0/8"))), "name_constraints",
                        "a name in the chain is outside the name constraints of a CA"),
                row("0537", "a root that excludes ::1/128", () -> underOwnRoot("nc-excluded-ipv6",
                        CertForge.root("CN=nc root").nameConstraints(List.of(), ipRanges("::1/128"))), "name_constraints",
                        "a name in the chain is outside the name constraints of a CA"),
                row("0538", "a root with an unknown critical extension", () -> underOwnRoot("root-unknown-critical",
                        CertForge.root("CN=odd root").unknownCriticalExtension("1.3.6.1.4.1.55555.1")), "critical_extension",
                        "trusted CA certificate has a critical extension nk does not know (1.3.6.1.4.1.55555.1)"),
                row("0539", "a root whose basic constraints are not critical", () -> underOwnRoot("root-bc-noncritical",
                        CertForge.root("CN=lax root").basicConstraints(true, false)), "bad_extension",
                        "the trusted CA certificate's basic constraints are not marked critical"),
                row("0540", "a root with a critical authority key identifier", () -> underOwnRoot("root-aki-critical",
                        CertForge.root("CN=aki root").authorityKeyId(true, true)), "bad_extension",
                        "the trusted CA certificate marks its authority key identifier critical"),
                row("0541", "a 1024-bit RSA root", () -> underOwnRoot("root-rsa1024", CertForge.root("CN=small root").keys(CertForge.rsa(1024))),
                        "weak_key", "trusted CA certificate has a 1024-bit RSA key"),
                row("0542", "a leaf that may sign certificates (keyCertSign)", () -> underRoot("leaf-keycertsign",
                        CertForge.leaf("CN=localhost", root).keyUsage(org.bouncycastle.asn1.x509.KeyUsage.digitalSignature
                                | org.bouncycastle.asn1.x509.KeyUsage.keyCertSign).make()), "key_usage",
                        "certificate may sign certificates (key usage keyCertSign)"),
                row("0543", "an intermediate (CA:TRUE) used as the server's certificate", () -> underRoot("leaf-ca",
                        CertForge.intermediate("CN=localhost", root).dns("localhost").keyUsage(org.bouncycastle.asn1.x509.KeyUsage.digitalSignature
                                | org.bouncycastle.asn1.x509.KeyUsage.keyCertSign).make()), "ca_as_leaf",
                        "certificate is a CA certificate (basic constraints CA:TRUE)"),
                row("0544", "a leaf without an authority key identifier", () -> underRoot("leaf-no-aki",
                        CertForge.leaf("CN=localhost", root).authorityKeyId(false, false).make()), "bad_extension",
                        "certificate has no authority key identifier"),
                row("0545", "a leaf with name constraints of its own", () -> underRoot("leaf-nc",
                        CertForge.leaf("CN=localhost", root).nameConstraints(dnsNames("localhost"), List.of()).make()), "name_constraints",
                        "certificate has name constraints, which only CA certificates may have"),
                row("0546", "a leaf with a malformed DNS name beside a good one", () -> underRoot("leaf-bad-dns",
                        CertForge.leaf("CN=localhost", root).dns("localhost", "bad..name").make()), "bad_san",
                        "certificate has a malformed subject alternative name (DNS:bad..name)"),
                row("0547", "a wildcard leaf under an intermediate that excludes a name it covers (CVE-2025-61727's shape)", () -> {
                    Forged constrained = CertForge.intermediate("CN=constrained", root).nameConstraints(List.of(), dnsNames("secret.test")).make();
                    Forged leaf = CertForge.leaf("CN=wildcard", constrained).dns("*.test").make();
                    return new Chain(CertForge.write(dir, "wildcard-excluded", leaf, constrained), rootFile, "www.test", "localhost");
                }, "name_constraints", "certificate's wildcard *.test covers secret.test, which CN=constrained excludes"),
                row("0548", "a critical subjectAltName with a non-empty subject", () -> underRoot("leaf-san-critical",
                        CertForge.leaf("CN=localhost", root).sansCritical().make()), "bad_extension",
                        "certificate marks its subject alternative names critical although its subject is not empty"),
                row("0549", "a DSA intermediate", () -> {
                    Forged dsa = CertForge.intermediate("CN=dsa intermediate", root).keys(CertForge.dsa(2048)).make();
                    return underRoot("dsa-intermediate", CertForge.leaf("CN=localhost", dsa).make(), dsa);
                }, "weak_key", "chain certificate 1 has a DSA key"),
                row("0550", "a 1024-bit RSA leaf", () -> underRoot("leaf-rsa1024",
                        CertForge.leaf("CN=localhost", root).keys(CertForge.rsa(1024)).make()), "weak_key", "certificate has a 1024-bit RSA key"),
                row("0551", "a 1024-bit RSA intermediate", () -> {
                    Forged small = CertForge.intermediate("CN=small intermediate", root).keys(CertForge.rsa(1024)).make();
                    return underRoot("rsa1024-intermediate", CertForge.leaf("CN=localhost", small).make(), small);
                }, "weak_key", "chain certificate 1 has a 1024-bit RSA key"),
                row("0560", "a root that excludes a wildcard DNS pattern (an invalid form that would exclude nothing)",
                        () -> underOwnRoot("nc-wildcard", CertForge.root("CN=nc root").nameConstraints(List.of(), dnsNames("*.other.test"))),
                        "name_constraints", "CN=nc root has a malformed name constraint (DNS:*.other.test)"),
                row("0561", "a root that excludes an IP range with a gap in its mask", () -> underOwnRoot("nc-mask-gap",
                        CertForge.root("CN=nc root").nameConstraints(List.of(), List.of(new GeneralName(GeneralName.iPAddress,
                                new org.bouncycastle.asn1.DEROctetString(new byte[] {10, 0, 0, 0, (byte) 255, 0, (byte) 255, 0}))))),
                        "name_constraints", "CN=nc root has a malformed name constraint (an IP range of 8 bytes with a gap in its mask)"),
                row("0562", "a root whose DNS constraint has a leading period (invalid for DNS, RFC 5280 4.2.1.10)", () -> underOwnRoot(
                        "nc-leading-period", CertForge.root("CN=nc root").nameConstraints(dnsNames(".localhost.test"), List.of())),
                        "name_constraints", "CN=nc root has a malformed name constraint (DNS:.localhost.test; a DNS constraint takes no leading period"),
                row("0563", "an intermediate without an authority key identifier", () -> {
                    Forged ica = CertForge.intermediate("CN=no aki", root).authorityKeyId(false, false).make();
                    return underRoot("ica-no-aki", CertForge.leaf("CN=localhost", ica).make(), ica);
                }, "bad_extension", "chain certificate 1 has no authority key identifier"),
                row("0564", "an intermediate without a subject key identifier", () -> {
                    Forged ica = CertForge.intermediate("CN=no ski", root).subjectKeyId(false, false).make();
                    return underRoot("ica-no-ski", CertForge.leaf("CN=localhost", ica).make(), ica);
                }, "bad_extension", "chain certificate 1 is a CA without a subject key identifier"),
                row("0565", "a leaf with a critical subject key identifier", () -> underRoot("leaf-ski-critical",
                        CertForge.leaf("CN=localhost", root).subjectKeyId(true, true).make()), "bad_extension",
                        "certificate marks its subject key identifier critical"),
                row("0566", "a leaf whose serial number is zero", () -> underRoot("serial-zero",
                        CertForge.leaf("CN=localhost", root).serial(java.math.BigInteger.ZERO).make()), "bad_serial",
                        "certificate has a serial number that is zero"),
                row("0567", "a leaf whose serial number is negative", () -> underRoot("serial-negative",
                        CertForge.leaf("CN=localhost", root).serial(java.math.BigInteger.valueOf(-5)).make()), "bad_serial",
                        "certificate has a serial number that is negative"),
                row("0568", "a leaf whose serial number is 21 octets", () -> underRoot("serial-long",
                        CertForge.leaf("CN=localhost", root).serial(java.math.BigInteger.ONE.shiftLeft(165)).make()), "bad_serial",
                        "certificate has a serial number that is longer than 20 octets"),
                row("0569", "an intermediate with non-critical policy constraints", () -> {
                    Forged ica = CertForge.intermediate("CN=lax policy", root).policyConstraints(false).make();
                    return underRoot("ica-pc-noncritical", CertForge.leaf("CN=localhost", ica).make(), ica);
                }, "bad_extension", "chain certificate 1 has policy constraints that are not marked critical"),
                row("0570", "an intermediate whose name constraints have no subtree at all", () -> {
                    Forged ica = CertForge.intermediate("CN=empty nc", root).emptyNameConstraints().make();
                    return underRoot("ica-nc-empty", CertForge.leaf("CN=localhost", ica).make(), ica);
                }, "name_constraints", "CN=empty nc has a name constraints extension with no subtree"),
                row("0571", "a leaf with a 2052-bit RSA key (not a whole number of bytes)", () -> underRoot("rsa-2052",
                        CertForge.leaf("CN=localhost", root).keys(CertForge.rsa(2052)).make()), "weak_key",
                        "certificate has a 2052-bit RSA key, not a whole number of bytes"),
                row("0552", "an expired intermediate on the only path", () -> {
                    Forged old = CertForge.intermediate("CN=old intermediate", root).valid(-400, -1).make();
                    return underRoot("expired-intermediate", CertForge.leaf("CN=localhost", old).make(), old);
                }, "expired", "chain certificate 1 expired on "));
    }

    private static Arguments row(String number, String what, Maker chain, String kind, String says) {
        return Arguments.of(number, what, chain, kind, says);
    }

    static Stream<Arguments> refusedOverBothVersions() {
        return refused().flatMap(a -> Stream.of("1.2", "1.3").map(v -> {
            Object[] args = a.get();
            return Arguments.of(args[0], v, args[1], args[2], args[3], args[4]);
        }));
    }

    @ParameterizedTest(name = "case {0} over TLS {1}: {2} is exit 5 ({4})")
    @MethodSource("refusedOverBothVersions")
    void refusedChain(String number, String version, String what, Maker maker, String kind, String says) throws Exception {
        Chain chain = maker.make();
        try (OpensslServer server = serve(chain, version)) {
            NkRun.Result r = NkRun.run(tlsGet(chain, server, "--json"));
            assertEquals(5, r.code(), r.toString());
            assertTrue(r.stderr().startsWith("nk: tls-get: " + says), r.stderr());
            assertTrue(r.out().contains("\"error\":{\"kind\":\"" + kind + "\",\"phase\":\"tls\""), r.out());
            assertTrue(r.out().contains("\"protocol\":\"TLSv" + version + "\""), "the version asked for was negotiated: " + r.out());
            int alert = switch (kind) {
                case "expired" -> 45;
                case "weak_key" -> 43;
                default -> 42;
            };
            assertTrue(awaitLog(server, "alert number " + alert), "nk told the server why with alert " + alert + ": " + server.log());
        }
    }

    /** Waits (up to 2 s) for s_server to log {@code text}. */
    private static boolean awaitLog(OpensslServer server, String text) throws Exception {
        for (int i = 0; i < 40 && !server.log().contains(text); i++) {
            Thread.sleep(50);
        }
        return server.log().contains(text);
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("0553", "an expired cross-certificate sent beside a valid path (the 2020 AddTrust shape)", (Maker) () -> {
                    Forged oldRoot = CertForge.root("CN=old root").make();
                    Forged newRoot = CertForge.root("CN=new root").make();
                    Forged cross = CertForge.intermediate("CN=new root", oldRoot).keys(newRoot.keys()).valid(-400, -1).make();
                    Forged issuing = CertForge.intermediate("CN=issuing", newRoot).make();
                    Forged leaf = CertForge.leaf("CN=localhost", issuing).make();
                    return Chain.of(CertForge.write(dir, "chain-of-pain", leaf, issuing, cross), CertForge.write(dir, "new-root", newRoot));
                }),
                Arguments.of("0554", "a name with an underscore", (Maker) () -> new Chain(
                        CertForge.write(dir, "underscore", CertForge.leaf("CN=x", root).dns("my_host.test").make()), rootFile, "my_host.test",
                        "localhost")),
                Arguments.of("0555", "the server sends its root too", (Maker) () -> {
                    Forged leaf = CertForge.leaf("CN=localhost", root).make();
                    return underRoot("with-root", leaf, root);
                }),
                Arguments.of("0557", "a certificate of 60 KiB (3,000 names), over BCJSSE's default limit of 32 KiB", (Maker) () -> {
                    CertForge big = CertForge.leaf("CN=localhost", root).dns("localhost");
                    for (int i = 0; i < 3000; i++) {
                        big.dns("host" + i + ".many-names.example.test");
                    }
                    return underRoot("sixty-kib", big.make());
                }),
                Arguments.of("0556", "a self-signed certificate made by openssl req -x509 (CA:TRUE), trusted as it is", (Maker) () -> {
                    Path cert = dir.resolve("openssl-self.pem");
                    Process gen = new ProcessBuilder(Peers.require("openssl", "openssl"), "req", "-x509", "-newkey", "ec",
                            "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.resolve("openssl-self.key").toString(), "-out",
                            cert.toString(), "-days", "30", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
                            .redirectErrorStream(true).start();
                    gen.getInputStream().readAllBytes();
                    try {
                        assertEquals(0, gen.waitFor());
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    return Chain.of(cert, cert);
                }));
    }

    static Stream<Arguments> acceptedOverBothVersions() {
        return accepted().flatMap(a -> Stream.of("1.2", "1.3").map(v -> Arguments.of(a.get()[0], v, a.get()[1], a.get()[2])));
    }

    @ParameterizedTest(name = "case {0} over TLS {1}: {2} verifies")
    @MethodSource("acceptedOverBothVersions")
    void acceptedChain(String number, String version, String what, Maker maker) throws Exception {
        Chain chain = maker.make();
        try (OpensslServer server = serve(chain, version)) {
            NkRun.Result r = NkRun.run(tlsGet(chain, server));
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("verified   yes"), r.out());
        }
    }

    @ParameterizedTest(name = "case 0558 over TLS {0}: a 200 KiB certificate is refused with one line naming nk's limit")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"1.2", "1.3"})
    void case0558AHandshakeMessageOverTheLimitIsNamed(String version) throws Exception {
        CertForge huge = CertForge.leaf("CN=localhost", root).dns("localhost");
        for (int i = 0; i < 10_000; i++) {
            huge.dns("host" + i + ".many-names.example.test");
        }
        Chain chain = underRoot("two-hundred-kib-" + version, huge.make());
        try (OpensslServer server = serve(chain, version)) {
            NkRun.Result r = NkRun.run(tlsGet(chain, server, "--json"));
            assertEquals(5, r.code(), r.toString());
            assertTrue(r.stderr().startsWith("nk: tls-get: the server's handshake message (its certificate chain) is larger than nk's "
                    + "limit of 128 KiB"), r.stderr());
            assertTrue(r.out().contains("\"kind\":\"too_large\""), r.out());
        }
    }

    @org.junit.jupiter.api.Test
    void case0553TheExpiredExtraIsNamedWithVerboseAndLeftOutOfMinDays() throws Exception {
        Chain chain = (Chain) ((Maker) accepted().findFirst().orElseThrow().get()[2]).make();
        try (OpensslServer server = serve(chain, "1.3")) {
            NkRun.Result quiet = NkRun.run(tlsGet(chain, server, "--min-days", "14"));
            assertEquals(0, quiet.code(), quiet.toString());
            assertEquals("", quiet.stderr());
            NkRun.Result verbose = NkRun.run(tlsGet(chain, server, "-v", "--min-days", "14"));
            assertEquals(0, verbose.code(), verbose.toString());
            assertTrue(verbose.stderr().contains("chain certificate 2 (CN=new root) is not on the verified path; it expired "),
                    verbose.stderr());
        }
    }

    @org.junit.jupiter.api.Test
    void case0559ABrokenEntryInACacertBundleIsSkippedWithAWarning() throws Exception {
        Forged leaf = CertForge.leaf("CN=localhost", root).make();
        Path bundle = dir.resolve("bundle.pem");
        java.nio.file.Files.writeString(bundle, "-----BEGIN CERTIFICATE-----\nMIIBroken!!\n-----END CERTIFICATE-----\n"
                + "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n" + java.nio.file.Files.readString(rootFile));
        Chain chain = new Chain(CertForge.write(dir, "bundle-leaf", leaf), bundle, null, "localhost");
        try (OpensslServer server = serve(chain, "1.3")) {
            NkRun.Result r = NkRun.run(tlsGet(chain, server));
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("verified   yes"), r.out());
            String[] warnings = r.stderr().split("\n");
            assertEquals(2, warnings.length, r.stderr());
            assertTrue(warnings[0].startsWith("nk: tls-get: warning: --cacert: skipped cannot read " + bundle + " (entry 1): "), warnings[0]);
            assertTrue(warnings[1].startsWith("nk: tls-get: warning: --cacert: skipped cannot read " + bundle + " (entry 2): "), warnings[1]);
            assertTrue(!r.stderr().contains("org.bouncycastle") && !r.stderr().contains("Exception"), "no class names: " + r.stderr());
        }
    }

    private static OpensslServer serve(Chain chain, String version) throws Exception {
        return OpensslServer.startSendingChain(chain.served(), version.equals("1.2") ? "-tls1_2" : "-tls1_3", "-cipher", "DEFAULT:@SECLEVEL=0");
    }

    private static String[] tlsGet(Chain chain, OpensslServer server, String... options) {
        List<String> args = new ArrayList<>(List.of("tls-get"));
        args.addAll(List.of(options));
        args.addAll(List.of("--cacert", chain.trust().toString()));
        if (chain.serverName() != null) {
            args.addAll(List.of("--servername", chain.serverName()));
        }
        args.add(chain.host() + ":" + server.port());
        return args.toArray(String[]::new);
    }
}
