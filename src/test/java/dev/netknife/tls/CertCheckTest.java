package dev.netknife.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.CertForge;
import dev.netknife.support.CertForge.Forged;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verdict on a chain without a handshake: time at the precision of certificates, and names kept to their types. */
class CertCheckTest {
    @TempDir
    Path dir;

    private TrustStore trusting(Forged root) throws Exception {
        return TrustStore.load(CertForge.write(dir, "root", root), dir.resolve("no-jdk-cas"));
    }

    @Test
    void aCertificateIsValidThroughTheWholeSecondOfItsNotAfter() throws Exception {
        Forged root = CertForge.root("CN=root").make();
        Forged leaf = CertForge.leaf("CN=localhost", root).make();
        TrustStore trust = trusting(root);
        X509Certificate[] chain = {leaf.cert()};
        long notAfter = leaf.cert().getNotAfter().getTime();
        assertNull(CertCheck.check(chain, null, trust, "localhost", notAfter + 999), "still in the second of notAfter");
        assertEquals("expired", CertCheck.check(chain, null, trust, "localhost", notAfter + 1000).kind());
        long notBefore = leaf.cert().getNotBefore().getTime();
        assertEquals("not_yet_valid", CertCheck.check(chain, null, trust, "localhost", notBefore - 1).kind());
        assertNull(CertCheck.check(chain, null, trust, "localhost", notBefore));
    }

    @Test
    void anAddressMatchesOnlyIpNamesAndANameOnlyDnsNames() {
        Forged root = CertForge.root("CN=root").make();
        X509Certificate dnsLookingLikeIps = CertForge.leaf("CN=x", root).dns("8.8.8.8", "134744072", "010.8.8.8", "[::1]").make().cert();
        for (String address : new String[] {"8.8.8.8", "10.8.8.8", "::1", "[::1]"}) {
            assertFalse(CertCheck.matches(dnsLookingLikeIps, address), address);
        }
        X509Certificate ips = CertForge.leaf("CN=x", root).ip("8.8.8.8", "::1").make().cert();
        assertTrue(CertCheck.matches(ips, "8.8.8.8"));
        assertTrue(CertCheck.matches(ips, "0:0:0:0:0:0:0:1"));
        assertFalse(CertCheck.matches(ips, "8.8.8.9"));
        X509Certificate named = CertForge.leaf("CN=x", root).dns("*.Example.test", "my_host.test").make().cert();
        assertTrue(CertCheck.matches(named, "www.example.TEST."));
        assertTrue(CertCheck.matches(named, "my_host.test"));
        assertFalse(CertCheck.matches(named, "a.b.example.test"));
    }

    @Test
    void malformedNamesAreSeen() {
        Forged root = CertForge.root("CN=root").make();
        SubjectAltNames sans = SubjectAltNames.of(CertForge.leaf("CN=x", root).dns("ok.test", "two words", "*.*.test", "a..b", "x.test.")
                .ipBytes(new byte[5]).make().cert());
        assertEquals(java.util.List.of("ok.test"), sans.dns());
        assertEquals(java.util.List.of("DNS:two words", "DNS:*.*.test", "DNS:a..b", "DNS:x.test.", "IP of 5 bytes"), sans.malformed());
    }

    @Test
    void failureMessagesCarryNoJavaClassNames() {
        Exception chained = new javax.net.ssl.SSLException(new java.io.IOException(
                new org.bouncycastle.tls.crypto.TlsCryptoException("unable to decode certificate")));
        assertEquals("unable to decode certificate", TlsFailures.plainMessage(chained));
        assertEquals("TLS handshake failed: unable to decode certificate (example.test:443)",
                TlsFailures.classify(chained, null, "example.test:443").getMessage());
    }

    @Test
    void aVersion1RootGivenWithCacertStillAnchorsAChain() throws Exception {
        java.security.KeyPair rootKeys = CertForge.ec();
        long now = System.currentTimeMillis();
        X509Certificate v1 = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                new org.bouncycastle.cert.jcajce.JcaX509v1CertificateBuilder(new org.bouncycastle.asn1.x500.X500Name("CN=v1 root"),
                        java.math.BigInteger.ONE, new java.util.Date(now - 86_400_000L), new java.util.Date(now + 86_400_000L * 30),
                        new org.bouncycastle.asn1.x500.X500Name("CN=v1 root"), rootKeys.getPublic())
                        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(rootKeys.getPrivate())));
        Forged root = new Forged(v1, rootKeys);
        Forged leaf = CertForge.leaf("CN=localhost", root).make();
        assertEquals(1, v1.getVersion());
        assertNull(CertCheck.check(new X509Certificate[] {leaf.cert()}, null, trusting(root), "localhost", now));
        assertEquals("expired", CertCheck.check(new X509Certificate[] {leaf.cert()}, null, trusting(root), "localhost",
                now + 86_400_000L * 31).kind());
    }
}
