package dev.netknife.tls;

import java.net.IDN;
import java.net.InetAddress;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * Why a server's chain is not acceptable, in the order a user can act on: a certificate outside
 * its dates (checked even for a trust anchor), a certificate used for what it is not for (a leaf
 * only for clients, an issuer that is not a CA), a self-signed or untrusted chain, or a name that
 * does not match. Null when all is well.
 */
final class CertCheck {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_PURPOSE = "2.5.29.37.0";

    private CertCheck() {
    }

    /** One verification failure: a stable kind for JSON and scripts, and a message for people. */
    record Problem(String kind, String message) {
    }

    static Problem check(X509Certificate[] chain, String authType, X509TrustManager pkix, String host, long nowMillis) {
        if (chain == null || chain.length == 0) {
            return new Problem("no_certificate", "the server sent no certificate");
        }
        for (int i = 0; i < chain.length; i++) {
            X509Certificate cert = chain[i];
            String which = i == 0 ? "certificate" : "chain certificate " + i;
            if (nowMillis > cert.getNotAfter().getTime()) {
                return new Problem("expired", which + " expired on " + Instant.ofEpochMilli(cert.getNotAfter().getTime())
                        + " (" + name(cert) + ")");
            }
            if (nowMillis < cert.getNotBefore().getTime()) {
                return new Problem("not_yet_valid", which + " is not valid before " + Instant.ofEpochMilli(cert.getNotBefore().getTime())
                        + " (" + name(cert) + ")");
            }
        }
        try {
            pkix.checkServerTrusted(chain, authType == null || authType.isEmpty() ? "UNKNOWN" : authType);
        } catch (CertificateException | RuntimeException e) {
            Problem misuse = misuse(chain);
            if (misuse != null) {
                return misuse;
            }
            X509Certificate last = chain[chain.length - 1];
            if (chain.length == 1 && last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
                return new Problem("self_signed", "self-signed certificate (" + name(last) + "); trust it with --cacert or skip checks with --insecure");
            }
            return new Problem("unknown_issuer", "certificate issuer is not trusted (" + last.getIssuerX500Principal().getName(X500Principal.RFC2253)
                    + "); add its CA with --cacert");
        }
        if (host != null && !matches(chain[0], host)) {
            List<String> names = CertInfo.subjectAltNames(chain[0]);
            if (names.isEmpty()) {
                return new Problem("hostname_mismatch", "certificate has no subject alternative names (a host only in its "
                        + name(chain[0]) + " is not accepted, as in browsers), not " + host);
            }
            return new Problem("hostname_mismatch", "certificate is for " + String.join(", ", names) + ", not " + host);
        }
        return null;
    }

    /**
     * Why a chain that failed path validation may not be used as it is, when the reason is a
     * certificate's purpose rather than trust: the leaf is not for TLS servers, or a certificate
     * that issued the one before it is not a CA. Null otherwise (the caller then blames trust).
     */
    private static Problem misuse(X509Certificate[] chain) {
        try {
            List<String> purposes = chain[0].getExtendedKeyUsage();
            if (purposes != null && !purposes.contains(SERVER_AUTH) && !purposes.contains(ANY_PURPOSE)) {
                return new Problem("key_usage", "certificate is not for TLS servers (extended key usage "
                        + String.join(", ", purposes.stream().map(CertCheck::purpose).toList()) + ") (" + name(chain[0]) + ")");
            }
        } catch (CertificateParsingException e) {
            return null;
        }
        for (int i = 1; i < chain.length; i++) {
            boolean issuedPrevious = chain[i].getSubjectX500Principal().equals(chain[i - 1].getIssuerX500Principal());
            if (issuedPrevious && chain[i].getBasicConstraints() < 0) {
                return new Problem("not_a_ca", "chain certificate " + i + " (" + name(chain[i]) + ") is not a CA (basic constraints CA:FALSE)"
                        + " but issued " + name(chain[i - 1]));
            }
        }
        return null;
    }

    private static String purpose(String oid) {
        return switch (oid) {
            case SERVER_AUTH -> "serverAuth";
            case "1.3.6.1.5.5.7.3.2" -> "clientAuth";
            case "1.3.6.1.5.5.7.3.3" -> "codeSigning";
            case "1.3.6.1.5.5.7.3.4" -> "emailProtection";
            case "1.3.6.1.5.5.7.3.8" -> "timeStamping";
            case "1.3.6.1.5.5.7.3.9" -> "OCSPSigning";
            default -> oid;
        };
    }

    /**
     * RFC 9525 (which replaced RFC 6125): IP literals against IP SANs; names against DNS SANs (a
     * leftmost * matches exactly one label). The subject CN is never used, as browsers, Go and
     * RFC 9525 do: a certificate without SANs names no host.
     */
    static boolean matches(X509Certificate cert, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        List<String> names = CertInfo.subjectAltNames(cert);
        if (isIpLiteral(h)) {
            try {
                InetAddress want = InetAddress.ofLiteral(h);
                for (String name : names) {
                    if (isIpLiteral(name) && InetAddress.ofLiteral(name).equals(want)) {
                        return true;
                    }
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
            return false;
        }
        String ascii;
        try {
            ascii = IDN.toASCII(h);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (String name : names) {
            if (!isIpLiteral(name) && dnsMatch(name.toLowerCase(Locale.ROOT), ascii)) {
                return true;
            }
        }
        return false;
    }

    private static boolean dnsMatch(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(pattern.substring(1)) && pattern.indexOf('.', 2) > 0;
        }
        return pattern.equals(host);
    }

    static boolean isIpLiteral(String s) {
        return !s.isEmpty() && (s.indexOf(':') >= 0 || s.chars().allMatch(c -> Character.isDigit(c) || c == '.'));
    }

    private static String name(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }
}
