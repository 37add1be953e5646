package dev.netknife.tls;

import java.net.IDN;
import java.net.InetAddress;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * Why a server's chain is not acceptable, in the order a user can act on: a certificate outside
 * its dates (checked even for a trust anchor), a self-signed or untrusted chain, or a name that
 * does not match. Null when all is well.
 */
final class CertCheck {
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
            X509Certificate last = chain[chain.length - 1];
            if (chain.length == 1 && last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
                return new Problem("self_signed", "self-signed certificate (" + name(last) + "); trust it with --cacert or skip checks with --insecure");
            }
            return new Problem("unknown_issuer", "certificate issuer is not trusted (" + last.getIssuerX500Principal().getName(X500Principal.RFC2253)
                    + "); add its CA with --cacert");
        }
        if (host != null && !matches(chain[0], host)) {
            List<String> names = CertInfo.subjectAltNames(chain[0]);
            return new Problem("hostname_mismatch", "certificate is for " + (names.isEmpty() ? name(chain[0]) : String.join(", ", names))
                    + ", not " + host);
        }
        return null;
    }

    /** RFC 6125: IP literals against IP SANs; names against DNS SANs (a leftmost * matches one label); CN only without DNS SANs. */
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
        boolean anyDns = false;
        for (String name : names) {
            if (!isIpLiteral(name)) {
                anyDns = true;
                if (dnsMatch(name.toLowerCase(Locale.ROOT), ascii)) {
                    return true;
                }
            }
        }
        if (!anyDns) {
            String cn = commonName(cert);
            return cn != null && dnsMatch(cn.toLowerCase(Locale.ROOT), ascii);
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

    private static String commonName(X509Certificate cert) {
        for (String part : cert.getSubjectX500Principal().getName(X500Principal.RFC2253).split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return null;
    }

    private static String name(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }
}
