package dev.netknife.http;

import dev.netknife.NkException;
import dev.netknife.io.Endpoint;
import dev.netknife.term.Sanitizer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An http or https URL, validated the way curl users expect: scheme, host (IPv6 literals in
 * brackets), port, and a request target whose spaces and non-ASCII are percent-encoded. Control
 * characters anywhere, a bad percent escape, user info that is not RFC 3986's or an impossible
 * port is a usage error before any socket opens. The fragment is dropped; user info becomes
 * Basic credentials.
 */
public record HttpUrl(String scheme, String host, int port, String target, String userInfo) {

    public static HttpUrl parse(String text) {
        return parse(text, "http", "https");
    }

    /** A ws:// or wss:// URL (RFC 6455 3): the same rules, default ports 80 and 443. */
    public static HttpUrl parseWebSocket(String text) {
        return parse(text, "ws", "wss");
    }

    private static HttpUrl parse(String text, String plain, String secure) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw bad(text, "control character in URL");
            }
        }
        int colon = text.indexOf("://");
        if (colon <= 0) {
            throw bad(text, "expected " + plain + ":// or " + secure + "://");
        }
        String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals(plain) && !scheme.equals(secure)) {
            throw bad(text, "unsupported scheme '" + shown(scheme) + "' (" + plain + " and " + secure + " are)");
        }
        String rest = text.substring(colon + 3);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int slash = firstOf(rest, "/?");
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String target = slash < 0 ? "/" : rest.substring(slash);
        if (target.startsWith("?")) {
            target = "/" + target;
        }
        String userInfo = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            checkUserInfo(userInfo, text);
        }
        String host;
        String portText = null;
        boolean bracketed = authority.startsWith("[");
        if (bracketed) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw bad(text, "unclosed [ in the host");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad(text, "unexpected text after ]");
                }
                portText = after.substring(1);
            }
            if (!host.contains(":")) {
                throw bad(text, "brackets are only for IPv6 addresses");
            }
            checkIpv6(host, text);
        } else {
            int c = authority.lastIndexOf(':');
            host = c < 0 ? authority : authority.substring(0, c);
            portText = c < 0 ? null : authority.substring(c + 1);
        }
        if (host.isEmpty()) {
            throw bad(text, "no host");
        }
        if (!bracketed) {
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                if (c == ':') {
                    throw bad(text, "bad character ':' in the host (an IPv6 address goes in brackets)");
                }
                if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_') || c > 0x7f) {
                    throw bad(text, "bad character '" + Sanitizer.clean(String.valueOf(c)) + "' in the host");
                }
            }
            if (host.startsWith(".") || host.contains("..")) {
                throw bad(text, "empty label in the host");
            }
        }
        int defaultPort = scheme.equals(secure) ? 443 : 80;
        int port = defaultPort;
        if (portText != null && !portText.isEmpty()) {
            if (portText.length() > 5 || !portText.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
                throw bad(text, "bad port '" + shown(portText) + "'");
            }
            port = Integer.parseInt(portText);
        }
        return new HttpUrl(scheme, host.toLowerCase(Locale.ROOT), port, encodeTarget(target, text), userInfo);
    }

    /**
     * RFC 3986 user info only (unreserved, sub-delims, ':' and %XX): an '@' or a '\\' in it is
     * where URL parsers disagree on which host is meant, so it must be percent-encoded.
     */
    /** The URL's credentials as an Authorization value (Basic; "user" alone means an empty password, as with curl); null without any. */
    public String basicAuthorization() {
        if (userInfo == null) {
            return null;
        }
        String decoded = percentDecode(userInfo);
        return RequestHeaders.basic(decoded.contains(":") ? decoded : decoded + ":");
    }

    private static void checkUserInfo(String userInfo, String original) {
        for (int i = 0; i < userInfo.length(); i++) {
            char c = userInfo.charAt(i);
            if (c == '%') {
                if (i + 2 >= userInfo.length() || Character.digit(userInfo.charAt(i + 1), 16) < 0 || Character.digit(userInfo.charAt(i + 2), 16) < 0) {
                    throw bad(original, "bad percent-encoding in the user info (% must be followed by two hex digits)");
                }
            } else if (!(c < 0x80 && Character.isLetterOrDigit(c)) && "-._~!$&'()*+,;=:".indexOf(c) < 0) {
                throw bad(original, "bad character '" + Sanitizer.clean(String.valueOf(c)) + "' in the user info (percent-encode it)");
            }
        }
        if (percentDecode(userInfo).chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw bad(original, "control character in the user info");
        }
    }

    /** The text between brackets must be an IPv6 address, checked without any lookup. */
    private static void checkIpv6(String host, String original) {
        boolean ok = host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (ok) {
            try {
                java.net.InetAddress.ofLiteral(host);
            } catch (IllegalArgumentException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw bad(original, "bad IPv6 address '" + Sanitizer.clean(host) + "'");
        }
    }

    /** %XX escapes decoded as UTF-8; '+' stays '+' (user info is not a form). */
    static String percentDecode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Spaces and non-ASCII become %XX (UTF-8); an existing escape must be % and two hex digits. */
    private static String encodeTarget(String target, String original) {
        StringBuilder out = new StringBuilder(target.length());
        byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b == '%') {
                if (i + 2 >= bytes.length || Character.digit(bytes[i + 1], 16) < 0 || Character.digit(bytes[i + 2], 16) < 0) {
                    throw bad(original, "bad percent-encoding (% must be followed by two hex digits)");
                }
                out.append('%');
            } else if (b <= 0x20 || b >= 0x7f || b == '"' || b == '<' || b == '>' || b == '\\' || b == '^' || b == '`'
                    || b == '{' || b == '|' || b == '}') {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            } else {
                out.append((char) b);
            }
        }
        return out.toString();
    }

    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static NkException bad(String url, String why) {
        return NkException.usage("bad URL '" + shown(url) + "': " + why);
    }

    /** A Location header is parsed here too: remote text, so what a message quotes is clipped and has no control characters. */
    private static String shown(String text) {
        return Sanitizer.clean(text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }

    /** https or wss: TLS on the connection. */
    public boolean https() {
        return scheme.equals("https") || scheme.equals("wss");
    }

    public Endpoint endpoint() {
        return new Endpoint(host, port);
    }

    /** scheme://host:port: what redirects compare before sending credentials along. */
    public String origin() {
        return scheme + "://" + Endpoint.format(host, port);
    }

    /** The Host header: the port only when it is not the scheme's default. */
    public String hostHeader() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return port == (https() ? 443 : 80) ? h : h + ":" + port;
    }

    /** The last path segment (for -O), or empty. */
    public String fileName() {
        String path = target;
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Resolves a Location header against this URL (absolute, scheme-relative, absolute-path or relative). */
    public HttpUrl resolve(String location) {
        String loc = location.strip();
        if (loc.contains("://")) {
            return parse(loc);
        }
        String base = scheme + "://" + hostHeader();
        if (loc.startsWith("//")) {
            return parse(scheme + ":" + loc);
        }
        if (loc.startsWith("/")) {
            return parse(base + loc);
        }
        String path = target;
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (loc.startsWith("?")) {
            return parse(base + path + loc);
        }
        return parse(base + path.substring(0, path.lastIndexOf('/') + 1) + loc);
    }

    @Override
    public String toString() {
        return scheme + "://" + hostHeader() + target;
    }
}
