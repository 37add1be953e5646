package dev.netknife.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Verifies the server's chain with {@link CertCheck} and remembers what was presented and why it
 * failed. BCJSSE reports every certificate failure as the same alert, so this is where nk learns
 * the reason it tells the user. With {@code insecure} it records and accepts everything.
 */
final class CheckingTrustManager extends X509ExtendedTrustManager {
    private final X509TrustManager pkix;
    private final String host;
    private final boolean insecure;
    private volatile List<X509Certificate> presented = List.of();
    private volatile CertCheck.Problem problem;

    CheckingTrustManager(X509TrustManager pkix, String host, boolean insecure) {
        this.pkix = pkix;
        this.host = host;
        this.insecure = insecure;
    }

    List<X509Certificate> presented() {
        return presented;
    }

    /** The verification failure, also when {@code insecure} let the handshake go on; null when verified. */
    CertCheck.Problem problem() {
        return problem;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        presented = chain == null ? List.of() : List.of(chain);
        problem = CertCheck.check(chain, authType, pkix, host, System.currentTimeMillis());
        if (problem != null && !insecure) {
            throw new CertificateException(problem.message());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
