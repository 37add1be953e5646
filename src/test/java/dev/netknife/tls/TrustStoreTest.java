package dev.netknife.tls;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.support.TestCerts;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --cacert's certificates first, the (stand-in) JDK CA store only when they are not enough; the answer is the union's. */
class TrustStoreTest {
    @TempDir
    Path dir;
    private TestCerts certs;
    private Path jdkCas;

    @BeforeEach
    void setUp() throws Exception {
        certs = new TestCerts(dir);
        // the stand-in for the JDK's cacerts knows the root of the three-level hierarchy only
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("root", Pem.certificates(certs.rootFile()).getFirst());
        jdkCas = dir.resolve("cacerts");
        try (OutputStream out = Files.newOutputStream(jdkCas)) {
            store.store(out, null); // as the JDK's cacerts: no password, certificates in the clear
        }
    }

    private static X509Certificate[] chain(Path pem) {
        return Pem.certificates(pem).toArray(X509Certificate[]::new);
    }

    @Test
    void aChainToTheGivenCaIsTrustedWithoutReadingTheJdkStore() throws Exception {
        TrustStore trust = TrustStore.load(certs.caFile(), jdkCas);
        trust.await();
        assertDoesNotThrow(() -> trust.checkServerTrusted(chain(certs.good()), "ECDHE_ECDSA"));
        assertFalse(trust.readJdkCas());
    }

    @Test
    void aChainToAJdkCaIsStillTrustedWithCacert() throws Exception {
        TrustStore trust = TrustStore.load(certs.caFile(), jdkCas);
        assertDoesNotThrow(() -> trust.checkServerTrusted(chain(certs.viaIntermediate()), "ECDHE_ECDSA"));
        assertTrue(trust.readJdkCas());
    }

    @Test
    void aChainToNeitherIsRejected() throws Exception {
        TrustStore trust = TrustStore.load(certs.caFile(), jdkCas);
        assertThrows(CertificateException.class, () -> trust.checkServerTrusted(chain(certs.untrustedRoot()), "ECDHE_ECDSA"));
        assertThrows(CertificateException.class, () -> trust.checkServerTrusted(chain(certs.selfSigned()), "ECDHE_ECDSA"));
    }

    @Test
    void withoutCacertTheJdkStoreAloneDecides() throws Exception {
        TrustStore trust = TrustStore.load(null, jdkCas);
        assertDoesNotThrow(() -> trust.checkServerTrusted(chain(certs.viaIntermediate()), "ECDHE_ECDSA"));
        assertThrows(CertificateException.class, () -> trust.checkServerTrusted(chain(certs.good()), "ECDHE_ECDSA"));
        assertEquals(1, trust.getAcceptedIssuers().length);
    }

    @Test
    void anUnreadableJdkStoreLeavesTheGivenCertificates() throws Exception {
        TrustStore trust = TrustStore.load(certs.caFile(), dir.resolve("missing"));
        assertDoesNotThrow(() -> trust.checkServerTrusted(chain(certs.good()), "ECDHE_ECDSA"));
        assertThrows(CertificateException.class, () -> trust.checkServerTrusted(chain(certs.viaIntermediate()), "ECDHE_ECDSA"));
    }

    @Test
    void aCacertFileWithoutCertificatesIsAUsageErrorFromAwait() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        TrustStore trust = TrustStore.load(empty, jdkCas);
        NkException e = assertThrows(NkException.class, trust::await);
        assertEquals(ExitCode.USAGE, e.exitCode());
    }
}
