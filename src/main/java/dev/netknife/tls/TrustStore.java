package dev.netknife.tls;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Ahead;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Path validation against the JDK's default CAs plus the certificates given with {@code --cacert}.
 *
 * <p>Reading the JDK's CA store (~150 certificates) takes ~140 ms in a fresh JVM, more than a
 * loopback TLS handshake. So without {@code --cacert} it loads on its own virtual thread from the
 * start, overlapping the dial and the handshake, and a chain check waits for it only when the
 * server's certificate arrives. With {@code --cacert} a chain is first checked against those
 * certificates alone and the JDK's store is read only when that fails: a path to any anchor of the
 * union exists exactly when one to the given anchors or one through the whole store does, so the
 * answer is the same as checking against the union.
 */
final class TrustStore implements X509TrustManager {
    private final FutureTask<X509TrustManager> given;
    private final FutureTask<X509TrustManager> all;

    private TrustStore(FutureTask<X509TrustManager> given, FutureTask<X509TrustManager> all) {
        this.given = given;
        this.all = all;
    }

    /**
     * The trust for {@code caCert} (null: the JDK's CAs only), loading on virtual threads from
     * now on, beside BCJSSE's start; {@link #await} reports a bad PEM file.
     */
    static TrustStore load(Path caCert) {
        return load(caCert, null);
    }

    /** As above with {@code jdkCas} (a PKCS12 file) standing for the JDK's CA store; null: the JDK's own. */
    static TrustStore load(Path caCert, Path jdkCas) {
        if (caCert == null) {
            // the JDK's default trust (javax.net.ssl.trustStore, else its cacerts)
            FutureTask<X509TrustManager> all = new FutureTask<>(() -> manager(jdkCas == null ? null : store(jdkCas, List.of())));
            Ahead.start("nk-ca-store", all);
            return new TrustStore(null, all);
        }
        FutureTask<List<X509Certificate>> extra = new FutureTask<>(() -> Pem.certificates(caCert));
        FutureTask<X509TrustManager> given = new FutureTask<>(() -> {
            extra.run();
            return manager(store(null, get(extra)));
        });
        Ahead.start("nk-cacert", given);
        Path base = jdkCas != null ? jdkCas : jdkCaFile();
        return new TrustStore(given, new FutureTask<>(() -> manager(base != null ? store(base, get(extra)) : withDefaultCas(get(extra)))));
    }

    /**
     * The JDK's CA file, or null in a native image: it has no java.home, and its default trust
     * manager holds the CAs the build read from the JDK.
     */
    private static Path jdkCaFile() {
        String javaHome = System.getProperty("java.home");
        return javaHome == null ? null : Path.of(javaHome, "lib", "security", "cacerts");
    }

    /** {@code extra} on top of the CAs of the default trust manager. */
    private static KeyStore withDefaultCas(List<X509Certificate> extra) {
        List<X509Certificate> all = new ArrayList<>(List.of(manager(null).getAcceptedIssuers()));
        all.addAll(extra);
        return store(null, all);
    }

    /** Whether the JDK's CA store has been read (tests: with --cacert only when its certificates were not enough). */
    boolean readJdkCas() {
        return all.isDone();
    }

    /** Waits for the {@code --cacert} certificates; throws what reading them threw (a usage error for a bad file). */
    void await() {
        if (given != null) {
            get(given);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (given != null) {
            try {
                get(given).checkServerTrusted(chain, authType);
                return;
            } catch (CertificateException | RuntimeException e) {
                // the JDK's CAs may still know it
            }
        }
        all().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        all().checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return all().getAcceptedIssuers();
    }

    private X509TrustManager all() {
        all.run(); // no-op when it ran or is running on another thread
        return get(all);
    }

    private static <T> T get(FutureTask<T> task) {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NkException(ExitCode.INTERRUPTED, null, "interrupted", e);
        }
    }

    /** A PKIX trust manager over {@code store}; null means the JDK's default CAs. */
    private static X509TrustManager manager(KeyStore store) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X509TrustManager");
        } catch (GeneralSecurityException e) {
            throw new NkException(ExitCode.FAILURE, null, "cannot set up the trust store: " + e.getMessage(), e);
        }
    }

    /** {@code extra} on top of the certificates of the PKCS12 file {@code base} (none when null or unreadable). */
    private static KeyStore store(Path base, List<X509Certificate> extra) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = base == null ? null : Files.newInputStream(base)) {
                store.load(in, null);
            } catch (IOException e) {
                store.load(null, null); // an unreadable CA store: the given certificates alone
            }
            int i = 0;
            for (X509Certificate cert : extra) {
                store.setCertificateEntry("nk-cacert-" + i++, cert);
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new NkException(ExitCode.FAILURE, null, "cannot set up the trust store: " + e.getMessage(), e);
        }
    }
}
