package dev.netknife.tls;

import java.net.IDN;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * Why a server's chain is not acceptable: no path to a trusted CA (self-signed or an unknown
 * issuer), a path that fails RFC 5280 validation or nk's profile rules ({@link ChainValidator},
 * {@link CertProfile}: the reason named, e.g. an expired certificate on the path, a name outside a
 * CA's constraints, a weak key), or a name that does not match. Null when all is well.
 */
final class CertCheck {

    private CertCheck() {
    }

    /**
     * One verification failure: a stable kind for JSON and scripts, a message for people, and the
     * validator's own words where it had some (shown with -v), else null.
     */
    record Problem(String kind, String message, String detail) {
    }

    /**
     * Checks {@code chain} against the CAs given with --cacert first, then the JDK's (read only when
     * needed); {@code authType} is not used (the key exchange does not change what a chain must be).
     */
    /**
     * The verdict, the certificates the server sent that are on the validated path, and the anchor it
     * reached (both null when no path validated).
     */
    record Judged(Problem problem, List<X509Certificate> path, X509Certificate anchor) {
    }

    static Problem check(X509Certificate[] chain, String authType, TrustStore trust, String host, long nowMillis) {
        return judge(chain, authType, trust, host, nowMillis).problem();
    }

    static Judged judge(X509Certificate[] chain, String authType, TrustStore trust, String host, long nowMillis) {
        if (chain == null || chain.length == 0) {
            return new Judged(new Problem("no_certificate", "the server sent no certificate", null), null, null);
        }
        long at = nowMillis - Math.floorMod(nowMillis, 1000L); // certificate times are whole seconds
        List<X509Certificate> sent = List.of(chain);
        ChainValidator.Outcome outcome = trust.given() == null ? null : ChainValidator.validate(sent, trust.given(), true, at);
        if (outcome == null || !outcome.valid()) {
            ChainValidator.Outcome viaJdk = ChainValidator.validate(sent, trust.jdk(), false, at);
            if (viaJdk != null && viaJdk.valid()) {
                viaJdk = jdkPolicy(chain, authType, trust, viaJdk);
            }
            if (viaJdk != null && (viaJdk.valid() || outcome == null)) {
                outcome = viaJdk;
            }
        }
        if (outcome == null) {
            X509Certificate last = chain[chain.length - 1];
            if (chain.length == 1 && ChainValidator.isSelfIssued(last)) {
                return new Judged(new Problem("self_signed", "self-signed certificate (" + ChainValidator.name(last)
                        + "); trust it with --cacert or skip checks with --insecure", null), null, null);
            }
            return new Judged(new Problem("unknown_issuer", "certificate issuer is not trusted ("
                    + last.getIssuerX500Principal().getName(X500Principal.RFC2253) + "); add its CA with --cacert", null), null, null);
        }
        if (!outcome.valid()) {
            return new Judged(outcome.problem(), null, null);
        }
        return new Judged(hostProblem(chain, host), outcome.path(), outcome.anchor());
    }

    /** A chain the JDK's CAs anchor must also pass the JDK's own trust manager (its TLS policies). */
    private static ChainValidator.Outcome jdkPolicy(X509Certificate[] chain, String authType, TrustStore trust, ChainValidator.Outcome valid) {
        try {
            trust.jdkManager().checkServerTrusted(chain, authType == null || authType.isEmpty() ? "UNKNOWN" : authType);
            return valid;
        } catch (java.security.cert.CertificateException | RuntimeException e) {
            String why = TlsFailures.plainMessage(e);
            return new ChainValidator.Outcome(valid.path(), valid.anchor(), new Problem("jdk_policy",
                    "the JDK's trust policy refuses this chain: " + why, why));
        }
    }

    private static Problem hostProblem(X509Certificate[] chain, String host) {
        if (host != null && !matches(chain[0], host)) {
            List<String> names = CertInfo.subjectAltNames(chain[0]);
            if (names.isEmpty()) {
                return new Problem("hostname_mismatch", "certificate has no subject alternative names (a host only in its "
                        + ChainValidator.name(chain[0]) + " is not accepted, as in browsers), not " + host, null);
            }
            if (isIpLiteral(host)) { // an address matches only IP names: say which names are which
                return new Problem("hostname_mismatch", "certificate is for " + String.join(", ", SubjectAltNames.of(chain[0]).typed())
                        + ", not the IP address " + host, null);
            }
            return new Problem("hostname_mismatch", "certificate is for " + String.join(", ", names) + ", not " + host, null);
        }
        return null;
    }

    /**
     * RFC 9525 (which replaced RFC 6125): an IP reference identity matches only iPAddress SANs, byte
     * for byte; a name only dNSName SANs (a leftmost * matches exactly one label), and a DNS SAN is
     * never read as an address. The subject CN is never used, as browsers, Go and RFC 9525 do: a
     * certificate without SANs names no host.
     */
    static boolean matches(X509Certificate cert, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        SubjectAltNames names = SubjectAltNames.of(cert);
        if (isIpLiteral(h)) {
            byte[] want;
            try {
                want = InetAddress.ofLiteral(h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h).getAddress();
            } catch (IllegalArgumentException e) {
                return false;
            }
            for (byte[] ip : names.ips()) {
                if (java.util.Arrays.equals(ip, want)) {
                    return true;
                }
            }
            return false;
        }
        String ascii;
        try {
            ascii = IDN.toASCII(h);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (String name : names.dns()) {
            if (dnsMatch(name.toLowerCase(Locale.ROOT), ascii)) {
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

}
