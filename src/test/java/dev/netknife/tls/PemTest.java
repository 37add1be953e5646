package dev.netknife.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.support.TestCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --cacert FILE|DIR: the certificates of a PEM file, or of the .pem/.crt files of a directory. */
class PemTest {
    @TempDir
    Path dir;

    @Test
    void aDirectoryPassesOverFilesWithoutCertificates() throws Exception {
        TestCerts certs = new TestCerts(dir.resolve("made"));
        Files.createDirectories(dir.resolve("made"));
        Path cas = Files.createDirectories(dir.resolve("cas"));
        Files.copy(certs.caFile(), cas.resolve("ca.pem"));
        Files.copy(certs.rootFile(), cas.resolve("root.crt"));
        Path leaf = certs.good();
        Files.copy(TestCerts.keyOf(leaf), cas.resolve("server-key.pem")); // a key next to the CAs, as in many cert folders
        Files.writeString(cas.resolve("README.txt"), "not a certificate\n");
        List<X509Certificate> found = Pem.certificates(cas);
        assertEquals(2, found.size());
        assertTrue(found.stream().anyMatch(c -> c.getSubjectX500Principal().getName().equals("CN=nk test CA")));
    }

    @Test
    void aDirectoryWithNoCertificateIsAUsageError() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("keys"));
        Files.writeString(empty.resolve("only.pem"), "nothing here\n");
        NkException e = assertThrows(NkException.class, () -> Pem.certificates(empty));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("no PEM certificate in " + empty), e.getMessage());
    }

    @Test
    void aFileWithoutCertificatesIsAUsageError() throws Exception {
        TestCerts certs = new TestCerts(dir);
        Path key = TestCerts.keyOf(certs.good());
        NkException e = assertThrows(NkException.class, () -> Pem.certificates(key));
        assertEquals(ExitCode.USAGE, e.exitCode());
    }
}
