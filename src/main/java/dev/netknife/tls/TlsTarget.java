package dev.netknife.tls;

import dev.netknife.NkException;
import dev.netknife.io.Endpoint;
import java.util.Locale;
import java.util.Map;

/**
 * Where a TLS client goes and how: {@code HOST}, {@code HOST:PORT}, {@code [v6]:PORT}, a bare IPv6
 * address, an {@code https://} URL, a STARTTLS URL ({@code smtp://HOST}, {@code imap://} ...) or an
 * implicit-TLS one ({@code smtps://}, {@code imaps://} ...). Without a port: the scheme's, the
 * {@code --starttls} protocol's, else 443.
 *
 * @param startTls the plaintext protocol before TLS, or null
 */
public record TlsTarget(Endpoint endpoint, StartTls.Protocol startTls) {

    /** The implicit-TLS schemes and their ports (IANA). */
    private static final Map<String, Integer> IMPLICIT_TLS = Map.of("https", 443, "smtps", 465, "submissions", 465, "imaps", 993,
            "pop3s", 995, "ftps", 990, "ldaps", 636, "nntps", 563, "xmpps", 5223, "tls", 443);

    /** {@code startTlsOption}: the {@code --starttls} value, or null. */
    public static TlsTarget parse(String text, String startTlsOption) {
        StartTls.Protocol option = startTlsOption == null ? null : StartTls.Protocol.parse(startTlsOption);
        String s = text;
        int defaultPort = option == null ? 443 : option.defaultPort();
        StartTls.Protocol protocol = option;
        int colonSlashes = s.indexOf("://");
        if (colonSlashes >= 0) {
            String scheme = s.substring(0, colonSlashes).toLowerCase(Locale.ROOT);
            StartTls.Protocol byScheme = StartTls.Protocol.named(scheme);
            Integer implicitPort = IMPLICIT_TLS.get(scheme);
            if (byScheme == null && implicitPort == null) {
                throw NkException.usage("unsupported URL scheme in '" + text + "': expected https://, a STARTTLS scheme ("
                        + StartTls.Protocol.names() + "), smtps://, imaps://, pop3s://, ftps://, ldaps:// or HOST[:PORT]");
            }
            if (option != null && byScheme != option) {
                throw NkException.usage("--starttls " + startTlsOption + " contradicts the target's scheme in '" + text + "'");
            }
            protocol = byScheme;
            defaultPort = byScheme != null ? byScheme.defaultPort() : implicitPort;
            s = authority(s.substring(colonSlashes + 3));
        }
        return new TlsTarget(endpoint(s, defaultPort), protocol);
    }

    /** Whether {@code scheme} (lower case) names a STARTTLS protocol or implicit TLS. */
    public static boolean knownScheme(String scheme) {
        return StartTls.Protocol.named(scheme) != null || IMPLICIT_TLS.containsKey(scheme);
    }

    /** The host and port part of a URL's rest: no path, query, fragment or user info. */
    private static String authority(String rest) {
        int end = indexOfAny(rest, "/?#");
        String s = end < 0 ? rest : rest.substring(0, end);
        int at = s.lastIndexOf('@');
        return at < 0 ? s : s.substring(at + 1);
    }

    private static Endpoint endpoint(String s, int defaultPort) {
        String port = String.valueOf(defaultPort);
        if (s.startsWith("[") ? s.endsWith("]") : s.indexOf(':') < 0) {
            return Endpoint.of(s, port);
        }
        if (!s.startsWith("[") && s.indexOf(':') != s.lastIndexOf(':') && ipv6Literal(s)) {
            return Endpoint.of(s, port); // a bare IPv6 address
        }
        return Endpoint.parse(s);
    }

    /** Hex digits, colons and dots (an IPv4 tail), and a zone after %: worth trying as an address, not as HOST:PORT. */
    private static boolean ipv6Literal(String s) {
        int zone = s.indexOf('%');
        String address = zone < 0 ? s : s.substring(0, zone);
        return address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
