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
 * The trust anchors: the JDK's default CAs plus the certificates given with {@code --cacert}
 * ({@link CertCheck} judges chains against them).
 *
 * <p>Reading the JDK's CA store (~150 certificates) takes ~140 ms in a fresh JVM, more than a
 * loopback TLS handshake. So without {@code --cacert} it loads on its own virtual thread from the
 * start, overlapping the dial and the handshake, and a chain check waits for it only when the
 * server's certificate arrives. With {@code --cacert} a chain is first checked against those
 * certificates alone and the JDK's store is read only when that fails.
 */
final class TrustStore implements X509TrustManager {
    private final FutureTask<List<X509Certificate>> given;
    private final FutureTask<X509TrustManager> jdk;

    private TrustStore(FutureTask<List<X509Certificate>> given, FutureTask<X509TrustManager> jdk) {
        this.given = given;
        this.jdk = jdk;
    }

    /**
     * The trust for {@code caCert} (null: the JDK's CAs only), loading on virtual threads from
     * now on, beside BCJSSE's start; {@link #await} reports a bad PEM file.
     */
    static TrustStore load(Path caCert) {
        return load(caCert, null, warning -> { });
    }

    static TrustStore load(Path caCert, Path jdkCas) {
        return load(caCert, jdkCas, warning -> { });
    }

    /**
     * As above with {@code jdkCas} (a PKCS12 file) standing for the JDK's CA store (null: the JDK's
     * own); {@code warnings} hears each --cacert entry passed over because it does not parse.
     */
    static TrustStore load(Path caCert, Path jdkCas, java.util.function.Consumer<String> warnings) {
        // the JDK's default trust (javax.net.ssl.trustStore, else its cacerts)
        FutureTask<X509TrustManager> jdk = new FutureTask<>(() -> manager(jdkCas == null ? null : store(jdkCas)));
        if (caCert == null) {
            Ahead.start("nk-ca-store", jdk);
            return new TrustStore(null, jdk);
        }
        FutureTask<List<X509Certificate>> given = new FutureTask<>(() -> {
            Pem.Anchors anchors = Pem.anchors(caCert);
            anchors.skipped().forEach(warnings);
            return anchors.certificates();
        });
        Ahead.start("nk-cacert", given);
        return new TrustStore(given, jdk);
    }

    /** Whether the JDK's CA store has been read (tests: with --cacert only when its certificates were not enough). */
    boolean readJdkCas() {
        return jdk.isDone();
    }

    /** Waits for the {@code --cacert} certificates; throws what reading them threw (a usage error for a bad file). */
    void await() {
        if (given != null) {
            get(given);
        }
    }

    /** The certificates given with --cacert; null without it. */
    List<X509Certificate> given() {
        return given == null ? null : get(given);
    }

    /** The JDK's CAs, read now unless they were already. */
    List<X509Certificate> jdk() {
        return List.of(jdkManager().getAcceptedIssuers());
    }

    /**
     * The JDK's own trust manager over its CAs: a chain anchored there must pass it too, so that
     * the JDK's TLS policies (its CA distrust dates, its algorithm constraints for TLS servers) still apply.
     */
    X509TrustManager jdkManager() {
        jdk.run(); // no-op when it ran or is running on another thread
        return get(jdk);
    }

    /** As nk judges a server's chain (without a host name to match). */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        CertCheck.Problem problem = CertCheck.check(chain, authType, this, null, System.currentTimeMillis());
        if (problem != null) {
            throw new CertificateException(problem.message());
        }
    }

    /** nk does not judge clients' certificates with this store. */
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client certificates are not checked here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        List<X509Certificate> all = new ArrayList<>(jdk());
        if (given != null) {
            all.addAll(get(given));
        }
        return all.toArray(X509Certificate[]::new);
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

    /** The certificates of the PKCS12 file {@code base} (none when unreadable). */
    private static KeyStore store(Path base) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(base)) {
                store.load(in, null);
            } catch (IOException e) {
                store.load(null, null); // an unreadable CA store: none
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new NkException(ExitCode.FAILURE, null, "cannot set up the trust store: " + e.getMessage(), e);
        }
    }
}
