package dev.netknife.tls;

import dev.netknife.NkException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Path validation against the JDK's default CAs, plus the certificates given with {@code --cacert}. */
final class TrustStore {
    private TrustStore() {
    }

    static X509TrustManager pkix(Path caCert) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caCert == null) {
                factory.init((KeyStore) null);
            } else {
                factory.init(withExtra(Pem.certificates(caCert)));
            }
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X509TrustManager");
        } catch (GeneralSecurityException e) {
            throw new NkException(dev.netknife.ExitCode.FAILURE, null, "cannot set up the trust store: " + e.getMessage(), e);
        }
    }

    private static KeyStore withExtra(List<X509Certificate> extra) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        try (InputStream in = Files.newInputStream(cacerts)) {
            store.load(in, null);
        } catch (IOException e) {
            try {
                store.load(null, null);
            } catch (IOException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        int i = 0;
        for (X509Certificate cert : extra) {
            store.setCertificateEntry("nk-cacert-" + i++, cert);
        }
        return store;
    }
}
