package dev.netknife.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/** What a user wants to see of one certificate of a chain. Dates are epoch milliseconds. */
public record CertInfo(String subject, String issuer, List<String> subjectAltNames, long notBefore, long notAfter,
        long daysLeft, String keyType, int keyBits, String signatureAlgorithm, String sha256, boolean selfSigned) {

    private static final long DAY_MILLIS = 86_400_000L;

    public static CertInfo of(X509Certificate cert, long nowMillis) {
        long notAfter = cert.getNotAfter().getTime();
        return new CertInfo(
                cert.getSubjectX500Principal().getName(X500Principal.RFC2253),
                cert.getIssuerX500Principal().getName(X500Principal.RFC2253),
                subjectAltNames(cert),
                cert.getNotBefore().getTime(),
                notAfter,
                Math.floorDiv(notAfter - nowMillis, DAY_MILLIS),
                cert.getPublicKey().getAlgorithm(),
                keyBits(cert.getPublicKey()),
                cert.getSigAlgName(),
                fingerprint(cert),
                cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal()));
    }

    /** DNS and IP subject alternative names, as text. */
    static List<String> subjectAltNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> all = cert.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> entry : all) {
                    int type = (Integer) entry.get(0);
                    if (type == 2) { // dNSName
                        names.add(String.valueOf(entry.get(1)));
                    } else if (type == 7) { // iPAddress, shown short (::1, not 0:0:0:0:0:0:0:1)
                        names.add(ipText(String.valueOf(entry.get(1))));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unparsable extension shows as no names
        }
        return names;
    }

    private static String ipText(String address) {
        try {
            return dev.netknife.io.Endpoint.text(java.net.InetAddress.ofLiteral(address));
        } catch (IllegalArgumentException e) {
            return address;
        }
    }

    private static int keyBits(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        return switch (key.getAlgorithm()) {
            case "Ed25519", "X25519" -> 255;
            case "Ed448", "X448" -> 448;
            default -> 0;
        };
    }

    static String fingerprint(X509Certificate cert) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return "";
        }
    }
}
