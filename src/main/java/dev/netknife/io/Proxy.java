package dev.netknife.io;

import dev.netknife.NkException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A proxy to dial through, as curl names them: {@code socks5://} (nk resolves the target),
 * {@code socks5h://} (the proxy resolves it), {@code socks4://}, {@code socks4a://}, {@code http://}
 * (an HTTP CONNECT tunnel) and {@code https://} (TLS to the proxy, then CONNECT). A URL without a
 * scheme is an HTTP proxy; without a port, 1080 (443 for https), as curl has it. {@code user} and
 * {@code password} (percent-decoded from {@code user:password@}) go to the proxy only: RFC 1929 for
 * SOCKS5, Basic in Proxy-Authorization for HTTP, the user id for SOCKS4.
 */
public record Proxy(Kind kind, Endpoint endpoint, String user, String password) {

    public enum Kind {
        SOCKS4("socks4", 1080), SOCKS4A("socks4a", 1080), SOCKS5("socks5", 1080), SOCKS5H("socks5h", 1080), HTTP("http", 1080),
        HTTPS("https", 443);

        private final String scheme;
        private final int defaultPort;

        Kind(String scheme, int defaultPort) {
            this.scheme = scheme;
            this.defaultPort = defaultPort;
        }

        public String scheme() {
            return scheme;
        }

        /** Whether the proxy is told the target's name (else nk resolves it and sends an address). */
        public boolean remoteDns() {
            return this != SOCKS4 && this != SOCKS5;
        }

        public boolean socks() {
            return this != HTTP && this != HTTPS;
        }
    }

    /** The proxy {@code url} names; a malformed one is a usage error (exit 2) before any socket. */
    public static Proxy parse(String url, String option) {
        String shown = redacted(url.strip()); // messages never show the password
        String rest = url.strip();
        Kind kind = Kind.HTTP;
        int schemeEnd = rest.indexOf("://");
        if (schemeEnd >= 0) {
            String scheme = rest.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
            kind = switch (scheme) {
                case "socks4" -> Kind.SOCKS4;
                case "socks4a" -> Kind.SOCKS4A;
                case "socks5", "socks" -> Kind.SOCKS5;
                case "socks5h" -> Kind.SOCKS5H;
                case "http" -> Kind.HTTP;
                case "https" -> Kind.HTTPS;
                default -> throw NkException.usage(option + ": unknown proxy scheme '" + scheme
                        + "' in " + shown + " (socks4, socks4a, socks5, socks5h, http, https)");
            };
            rest = rest.substring(schemeEnd + 3);
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            if (!rest.substring(slash).equals("/")) {
                throw NkException.usage(option + ": a proxy URL has no path: " + shown);
            }
            rest = rest.substring(0, slash);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), url, option);
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1), url, option);
        }
        if (rest.isEmpty()) {
            throw NkException.usage(option + ": no proxy host in " + shown);
        }
        Endpoint endpoint;
        try {
            boolean hasPort = rest.startsWith("[") ? rest.indexOf("]:") > 0 : rest.indexOf(':') > 0 && rest.indexOf(':') == rest.lastIndexOf(':');
            endpoint = hasPort ? Endpoint.parse(rest) : Endpoint.parse(Endpoint.format(stripBrackets(rest), kind.defaultPort));
        } catch (NkException e) {
            throw NkException.usage(option + ": bad proxy address in " + shown + ": " + e.getMessage());
        }
        if (kind.socks() && user != null && (user.length() > 255 || password.length() > 255)) {
            throw NkException.usage(option + ": a SOCKS user name or password is at most 255 bytes");
        }
        return new Proxy(kind, endpoint, user, password);
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String decode(String part, String url, String option) {
        try {
            return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw NkException.usage(option + ": bad percent-encoding in the proxy's user or password: " + redacted(url.strip()));
        }
    }

    /** The URL with its password replaced, for messages. */
    public static String redacted(String url) {
        return url.replaceFirst("(://[^:/@]*:)[^@/]*@", "$1****@");
    }

    /** How the proxy shows in messages: scheme and address, never the credentials. */
    @Override
    public String toString() {
        return kind.scheme + "://" + endpoint;
    }
}
