package dev.netknife.tls.scan;

import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a scan flags. {@code weak}: what sslscan and testssl.sh call weak or insecure (old versions,
 * broken or export ciphers, CBC with TLS 1.0, small DH and RSA keys, compression, no secure
 * renegotiation); any of them fails the scan. {@code notes}: worth knowing, not failures (no forward
 * secrecy for some suites, the client's order followed).
 */
public record Findings(List<String> weak, List<String> notes) {

    public static Findings of(TlsScanner.Result r, List<X509Certificate> chain) {
        List<String> weak = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (TlsScanner.VersionScan v : r.versions()) {
            if (v.enabled() && v.version() < ClientHello.TLS12) {
                weak.add(v.name() + " enabled" + switch (v.version()) {
                    case 0x0002 -> " (DROWN)";
                    case ClientHello.SSL3 -> " (POODLE)";
                    default -> " (deprecated by RFC 8996)";
                });
            }
        }
        if (!r.speaks(ClientHello.TLS12) && !r.speaks(ClientHello.TLS13)) {
            weak.add("neither TLSv1.2 nor TLSv1.3");
        }
        Map<String, Set<String>> byWeakness = new LinkedHashMap<>();
        Set<String> cbcWithTls10 = new LinkedHashSet<>();
        Set<String> staticKeyExchange = new LinkedHashSet<>();
        int smallestDh = Integer.MAX_VALUE;
        for (TlsScanner.VersionScan v : r.versions()) {
            for (TlsScanner.Accepted a : v.suites()) {
                String weakness = a.suite().weakness();
                if (weakness != null) {
                    byWeakness.computeIfAbsent(weakness, k -> new LinkedHashSet<>()).add(a.suite().shortName());
                }
                if (a.suite().cbc() && v.version() <= ClientHello.TLS10) {
                    cbcWithTls10.add(a.suite().shortName());
                }
                if (!a.suite().forwardSecret() && !a.suite().keyExchange().contains("PSK")) {
                    staticKeyExchange.add(a.suite().shortName());
                }
                if (a.dhBits() > 0) {
                    smallestDh = Math.min(smallestDh, a.dhBits());
                }
                if (a.group() > 0 && Groups.weak(a.group())) {
                    byWeakness.computeIfAbsent("weak curve", k -> new LinkedHashSet<>()).add(Groups.name(a.group()));
                }
            }
        }
        byWeakness.forEach((weakness, suites) -> weak.add(weakness + ": " + list(suites)));
        if (!cbcWithTls10.isEmpty()) {
            weak.add("CBC suites with TLSv1.0 or older (BEAST): " + list(cbcWithTls10));
        }
        if (smallestDh < 2048) {
            weak.add("DH parameters of " + smallestDh + " bits (under 2048)");
        }
        if (!chain.isEmpty() && chain.getFirst().getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
            weak.add("RSA key of " + rsa.getModulus().bitLength() + " bits (under 2048)");
        }
        TlsScanner.Features f = r.features();
        if (Boolean.TRUE.equals(f.compression())) {
            weak.add("TLS compression (CRIME)");
        }
        if (Boolean.FALSE.equals(f.secureRenegotiation())) {
            weak.add("no secure renegotiation (RFC 5746)");
        }
        if (!staticKeyExchange.isEmpty()) {
            notes.add("no forward secrecy with " + list(staticKeyExchange));
        }
        for (TlsScanner.VersionScan v : r.versions()) {
            if (Boolean.FALSE.equals(v.serverOrder())) {
                notes.add(v.name() + ": the server takes the client's order of cipher suites");
            }
        }
        return new Findings(List.copyOf(weak), List.copyOf(notes));
    }

    /** One line: {@code good: ...} or {@code weak: the first findings}. */
    public String verdict(TlsScanner.Result r) {
        if (weak.isEmpty()) {
            List<String> versions = r.versions().stream().filter(TlsScanner.VersionScan::enabled).map(TlsScanner.VersionScan::name).toList();
            int suites = r.versions().stream().mapToInt(v -> v.suites().size()).sum();
            return "good: " + String.join(", ", versions) + ", " + suites + (suites == 1 ? " suite" : " suites") + ", nothing weak";
        }
        return "weak: " + String.join("; ", weak.subList(0, Math.min(3, weak.size())))
                + (weak.size() > 3 ? "; and " + (weak.size() - 3) + " more" : "");
    }

    private static String list(Set<String> names) {
        List<String> all = new ArrayList<>(names);
        return all.size() <= 4 ? String.join(", ", all) : String.join(", ", all.subList(0, 4)) + " and " + (all.size() - 4) + " more";
    }
}
