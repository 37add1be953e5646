package dev.netknife.io;

import dev.netknife.NkException;

/**
 * A host and a TCP/UDP port as the user wrote them: {@code HOST PORT}, {@code HOST:PORT} or
 * {@code [v6addr]:PORT}. The host is not resolved here.
 */
public record Endpoint(String host, int port) {

    public Endpoint {
        if (host == null || host.isEmpty()) {
            throw NkException.usage("missing host");
        }
        if (port < 0 || port > 65535) {
            throw NkException.usage("bad port " + port + ": expected 0 to 65535");
        }
    }

    /** Parses {@code HOST:PORT} or {@code [v6addr]:PORT}. */
    public static Endpoint parse(String hostPort) {
        String s = hostPort.strip();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw NkException.usage("bad address '" + hostPort + "': expected [v6addr]:PORT");
            }
            return new Endpoint(host(s.substring(1, close), hostPort), Ports.parse(s.substring(close + 2)));
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw NkException.usage("missing port in '" + hostPort + "': expected HOST:PORT or HOST PORT");
        }
        if (s.indexOf(':') != colon) {
            throw NkException.usage("bad address '" + hostPort + "': write IPv6 addresses as [v6addr]:PORT");
        }
        return new Endpoint(host(s.substring(0, colon), hostPort), Ports.parse(s.substring(colon + 1)));
    }

    /** {@code HOST PORT} as two arguments; a null port means the host carries it ({@code HOST:PORT}). */
    public static Endpoint of(String host, String port) {
        if (port == null) {
            return parse(host);
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.indexOf(':') >= 0 && !ipv6Shaped(h)) {
            throw NkException.usage("bad address '" + host + "': give the port once, as HOST PORT or HOST:PORT");
        }
        return new Endpoint(host(h, host), Ports.parse(port));
    }

    /** Hex digits, colons and dots (an embedded IPv4 part), then an optional zone ({@code %eth0}). */
    private static boolean ipv6Shaped(String host) {
        int zone = host.indexOf('%');
        String address = zone < 0 ? host : host.substring(0, zone);
        return address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }

    private static String host(String host, String original) {
        if (host.isEmpty()) {
            throw NkException.usage("missing host in '" + original + "'");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '%';
            if (!ok) {
                throw NkException.usage("bad host '" + original + "': unexpected character '" + c + "'");
            }
        }
        return host;
    }

    /** {@code host:port}, with brackets around IPv6 literals. */
    @Override
    public String toString() {
        return format(host, port);
    }

    /** How a Unix domain socket's address shows: {@code unix:PATH}. */
    public static final String UNIX_PREFIX = "unix:";

    /** {@code address:port} of a socket address, IPv6 in its short form ({@code [::1]:80}); a Unix domain socket's as {@code unix:PATH}. */
    public static String format(java.net.InetSocketAddress address) {
        if (address.isUnresolved()) {
            return address.getHostString().startsWith(UNIX_PREFIX) ? address.getHostString() : format(address.getHostString(), address.getPort());
        }
        return format(text(address.getAddress()), address.getPort());
    }

    /** The address as text; IPv6 shortened as RFC 5952 says (longest run of zero groups becomes ::). */
    public static String text(java.net.InetAddress address) {
        String full = address.getHostAddress();
        if (!(address instanceof java.net.Inet6Address)) {
            return full;
        }
        int percent = full.indexOf('%');
        String scope = percent < 0 ? "" : full.substring(percent);
        String[] groups = (percent < 0 ? full : full.substring(0, percent)).split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return String.join(":", groups) + scope;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail + scope;
    }

    public static String format(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
