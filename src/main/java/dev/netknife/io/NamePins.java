package dev.netknife.io;

import dev.netknife.NkException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * curl's {@code --resolve HOST:PORT:ADDR[,ADDR...]} and {@code --connect-to HOST1:PORT1:HOST2:PORT2}:
 * where a connection to a name really goes, while SNI, certificate checks, Host and redirects keep
 * the name. {@code --resolve} answers the lookup of HOST (at PORT; {@code *} for any host); {@code
 * --connect-to} sends HOST1:PORT1 to HOST2:PORT2 (an empty part matches any host or port, or keeps it),
 * and the first rule that matches wins, as in curl.
 */
public record NamePins(List<Resolve> resolves, List<ConnectTo> connectTos) {

    public static final NamePins NONE = new NamePins(List.of(), List.of());

    /** {@code host} ({@code *}: any) at {@code port} resolves to {@code addresses}. */
    public record Resolve(String host, int port, List<InetAddress> addresses) {
    }

    /** {@code host}:{@code port} (null: any) goes to {@code toHost}:{@code toPort} (null, -1: the same). */
    public record ConnectTo(String host, int port, String toHost, int toPort) {
    }

    /** From the option values; a malformed one is a usage error. */
    public static NamePins parse(List<String> resolves, List<String> connectTos) {
        List<Resolve> r = new ArrayList<>();
        for (String value : resolves) {
            r.add(resolve(value));
        }
        List<ConnectTo> c = new ArrayList<>();
        for (String value : connectTos) {
            c.add(connectTo(value));
        }
        return new NamePins(List.copyOf(r), List.copyOf(c));
    }

    private static Resolve resolve(String value) {
        String entry = value.startsWith("+") ? value.substring(1) : value;
        List<String> parts = split(entry, 3, "--resolve", value, "HOST:PORT:ADDR[,ADDR...]");
        int port = port(parts.get(1), "--resolve", value, false);
        List<InetAddress> addresses = new ArrayList<>();
        for (String item : parts.get(2).split(",")) {
            String text = item.strip();
            if (text.startsWith("[") && text.endsWith("]")) {
                text = text.substring(1, text.length() - 1);
            }
            InetAddress address = text.isEmpty() ? null : Dialer.literal(text);
            if (address == null) {
                throw NkException.usage("--resolve " + value + ": '" + item + "' is not an IP address");
            }
            addresses.add(address);
        }
        return new Resolve(parts.get(0).toLowerCase(Locale.ROOT), port, List.copyOf(addresses));
    }

    private static ConnectTo connectTo(String value) {
        List<String> parts = split(value, 4, "--connect-to", value, "HOST1:PORT1:HOST2:PORT2");
        return new ConnectTo(parts.get(0).isEmpty() ? null : parts.get(0).toLowerCase(Locale.ROOT), port(parts.get(1), "--connect-to", value, true),
                parts.get(2).isEmpty() ? null : parts.get(2), port(parts.get(3), "--connect-to", value, true));
    }

    /** Splits on the colons outside brackets into exactly {@code count} parts, the brackets of an IPv6 host removed. */
    private static List<String> split(String entry, int count, String option, String value, String shape) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean bracket = false;
        for (int i = 0; i < entry.length(); i++) {
            char ch = entry.charAt(i);
            if (ch == '[') {
                bracket = true;
            } else if (ch == ']') {
                bracket = false;
            }
            if (ch == ':' && !bracket && parts.size() < count - 1) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(ch);
            }
        }
        parts.add(part.toString());
        if (parts.size() != count || (count == 3 && (parts.get(0).isEmpty() || parts.get(2).isEmpty()))) {
            throw NkException.usage(option + " " + value + ": expected " + shape);
        }
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i);
            boolean host = i % 2 == 0 && !(count == 3 && i == 2);
            if (host && p.startsWith("[") && p.endsWith("]")) {
                parts.set(i, p.substring(1, p.length() - 1));
            }
        }
        return parts;
    }

    private static int port(String text, String option, String value, boolean emptyMeansAny) {
        if (text.isEmpty() && emptyMeansAny) {
            return -1;
        }
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw NkException.usage(option + " " + value + ": bad port '" + text + "'");
    }

    /** Where a connection to {@code target} goes: the first --connect-to rule that matches, else the target itself. */
    public Endpoint connectTarget(Endpoint target) {
        String host = target.host().toLowerCase(Locale.ROOT);
        for (ConnectTo rule : connectTos) {
            if ((rule.host() == null || rule.host().equals(host)) && (rule.port() < 0 || rule.port() == target.port())) {
                return new Endpoint(rule.toHost() == null ? target.host() : rule.toHost(), rule.toPort() < 0 ? target.port() : rule.toPort());
            }
        }
        return target;
    }

    /** The addresses --resolve gives {@code endpoint}'s host at its port, or null to ask DNS. */
    public List<InetAddress> addresses(Endpoint endpoint) {
        String host = endpoint.host().toLowerCase(Locale.ROOT);
        for (Resolve r : resolves) {
            if ((r.host().equals(host) || r.host().equals("*")) && r.port() == endpoint.port()) {
                return r.addresses();
            }
        }
        return null;
    }
}
