package dev.netknife.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * Verifies a server's chain with {@link CertCheck} against the name the engine was made for, and
 * remembers per engine what was presented and why it failed: BCJSSE reports every certificate
 * failure as the same alert, so this is where nk learns the reason it tells the user. One
 * instance serves a whole {@link TlsClient} (so its SSLContext can resume sessions); with
 * {@code insecure} it records and accepts everything.
 */
final class CheckingTrustManager extends X509ExtendedTrustManager {

    /**
     * What one handshake's server presented, the verification failure (null when verified), the presented
     * certificates on the path that validated (null when none did), and the protocol
     * and cipher suite negotiated so far (null when the engine does not tell), for reports of a failed handshake.
     */
    record Verdict(List<X509Certificate> presented, CertCheck.Problem problem, List<X509Certificate> path, String protocol, String cipher,
            StapledOcsp ocsp) {
    }

    private final TrustStore trust;
    private final boolean insecure;
    private final boolean stapledOcsp;
    private final Map<SSLEngine, Verdict> verdicts = new ConcurrentHashMap<>();

    /** {@code stapledOcsp}: read and check the OCSP response the server staples (else {@link StapledOcsp#NONE}). */
    CheckingTrustManager(TrustStore trust, boolean insecure, boolean stapledOcsp) {
        this.trust = trust;
        this.insecure = insecure;
        this.stapledOcsp = stapledOcsp;
    }

    TrustStore store() {
        return trust;
    }

    /** The verdict for this engine's handshake, removed; null when no certificate was checked (a resumed session). */
    Verdict take(SSLEngine engine) {
        return verdicts.remove(engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        CertCheck.Judged judged = CertCheck.judge(chain, authType, trust, engine.getPeerHost(), System.currentTimeMillis());
        CertCheck.Problem problem = judged.problem();
        SSLSession handshake = engine.getHandshakeSession();
        verdicts.put(engine, new Verdict(chain == null ? List.of() : List.of(chain), problem, judged.path(),
                handshake == null ? null : handshake.getProtocol(), handshake == null ? null : handshake.getCipherSuite(),
                !stapledOcsp || chain == null || chain.length == 0 ? StapledOcsp.NONE
                        : StapledOcsp.of(staple(handshake), chain[0], issuer(chain, judged))));
        if (problem != null && !insecure) {
            refuse(problem);
        }
    }

    /** The leaf's issuer: the next certificate on the verified path, else the anchor, else the next one sent. */
    private static X509Certificate issuer(X509Certificate[] chain, CertCheck.Judged judged) {
        if (judged.path() != null && judged.path().size() > 1) {
            return judged.path().get(1);
        }
        if (judged.anchor() != null) {
            return judged.anchor();
        }
        return chain.length > 1 ? chain[1] : chain[0];
    }

    /** The OCSP response the server stapled for its certificate (only the handshake session has it), or null. */
    private static byte[] staple(SSLSession handshake) {
        if (handshake instanceof javax.net.ssl.ExtendedSSLSession extended) {
            List<byte[]> responses = extended.getStatusResponses();
            return responses == null || responses.isEmpty() || responses.getFirst().length == 0 ? null : responses.getFirst();
        }
        return null;
    }

    /**
     * Fails the handshake with the alert RFC 8446 6.2 names for the problem. BCJSSE turns any
     * CertificateException into certificate_unknown, so the alert itself is thrown (it is the
     * IOException BCJSSE's handshake sends and then rethrows); the trust manager's signature cannot
     * declare it, hence the unchecked throw.
     */
    private static void refuse(CertCheck.Problem problem) {
        CheckingTrustManager.<RuntimeException>uncheckedThrow(new TlsFatalAlert(alertFor(problem.kind()),
                problem.message(), new CertificateException(problem.message())));
    }

    static short alertFor(String kind) {
        return switch (kind) {
            case "expired", "not_yet_valid" -> AlertDescription.certificate_expired;
            case "unknown_issuer", "self_signed" -> AlertDescription.unknown_ca;
            case "weak_key", "weak_algorithm" -> AlertDescription.unsupported_certificate;
            default -> AlertDescription.bad_certificate;
        };
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void uncheckedThrow(Throwable t) throws E {
        throw (E) t;
    }

    /** Without an engine there is no host to check: the chain alone is verified. nk always hands BCJSSE an engine. */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        CertCheck.Problem problem = CertCheck.check(chain, authType, trust, null, System.currentTimeMillis());
        if (problem != null && !insecure) {
            throw new CertificateException(problem.message());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        trust.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        trust.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        trust.checkClientTrusted(chain, authType);
    }

    /** None: a client's trust manager names no issuers (and so never reads the JDK's CAs for it). */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
