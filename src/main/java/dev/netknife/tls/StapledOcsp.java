package dev.netknife.tls;

import java.security.cert.X509Certificate;
import java.time.Instant;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The OCSP response a server stapled to its certificate (RFC 6066 status_request, RFC 6960), as
 * {@code tls-get --status} shows it: the leaf's status, when the response was produced, its
 * this/next update, and whether it is signed by the leaf's issuer (or by a responder the issuer
 * delegated with the OCSPSigning purpose). Parsed with bcpkix.
 */
public record StapledOcsp(String status, String revokedAt, Instant producedAt, Instant thisUpdate, Instant nextUpdate, String signedBy,
        String problem) {

    /** No response stapled. */
    public static final StapledOcsp NONE = new StapledOcsp("none", null, null, null, null, null, "the server stapled no OCSP response");

    /** Whether this is a good, current, properly signed answer. */
    public boolean good(long nowMillis) {
        return problem == null && status.equals("good") && (nextUpdate == null || nextUpdate.toEpochMilli() >= nowMillis);
    }

    /** The staple for {@code leaf}, issued by {@code issuer}. */
    static StapledOcsp of(byte[] der, X509Certificate leaf, X509Certificate issuer) {
        if (der == null || der.length == 0) {
            return NONE;
        }
        try {
            OCSPResp resp = new OCSPResp(der);
            if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
                return new StapledOcsp("error", null, null, null, null, null, "the OCSP responder answered with status " + resp.getStatus());
            }
            BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
            CertificateID want = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(issuer), leaf.getSerialNumber());
            for (SingleResp single : basic.getResponses()) {
                if (!single.getCertID().getSerialNumber().equals(leaf.getSerialNumber())
                        || !single.getCertID().matchesIssuer(new JcaX509CertificateHolder(issuer),
                                new JcaDigestCalculatorProviderBuilder().build())) {
                    continue;
                }
                String status = single.getCertStatus() == null ? "good" : single.getCertStatus() instanceof RevokedStatus ? "revoked"
                        : single.getCertStatus() instanceof UnknownStatus ? "unknown" : "unknown";
                String revokedAt = single.getCertStatus() instanceof RevokedStatus revoked ? revoked.getRevocationTime().toInstant().toString() : null;
                String signedBy = signer(basic, issuer);
                return new StapledOcsp(status, revokedAt, basic.getProducedAt().toInstant(), single.getThisUpdate().toInstant(),
                        single.getNextUpdate() == null ? null : single.getNextUpdate().toInstant(), signedBy,
                        signedBy == null ? "the OCSP response is not signed by the certificate's issuer or a responder it delegated" : null);
            }
            return new StapledOcsp("error", null, basic.getProducedAt().toInstant(), null, null, null,
                    "the stapled OCSP response is about another certificate (want serial " + want.getSerialNumber().toString(16) + ")");
        } catch (Exception e) {
            return new StapledOcsp("error", null, null, null, null, null, "the stapled OCSP response does not decode: " + TlsFailures.plainMessage(e));
        }
    }

    /** "the issuer" or "responder SUBJECT" when the signature verifies, else null. */
    private static String signer(BasicOCSPResp basic, X509Certificate issuer) throws Exception {
        if (basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()))) {
            return "the issuer";
        }
        for (X509CertificateHolder responder : basic.getCerts()) {
            boolean delegated = responder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()))
                    && responder.getExtensions() != null
                    && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(responder.getExtensions()) != null
                    && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(responder.getExtensions()).hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning);
            if (delegated && basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder))) {
                return "responder " + responder.getSubject();
            }
        }
        return null;
    }
}
