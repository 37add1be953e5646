package dev.netknife.io;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts reached without the proxy, by curl's rules for {@code no_proxy} and {@code --noproxy}:
 * a comma-separated list; {@code *} alone is every host; a name matches itself and every name under it
 * ({@code example.com} and {@code .example.com} both match {@code www.example.com}, not
 * {@code badexample.com}); an IP address matches itself, and {@code ADDR/BITS} a CIDR range of IP
 * literal targets. Case and a trailing dot do not matter; names are never resolved to be compared.
 */
public record NoProxy(boolean everything, List<String> names, List<Cidr> ranges) {

    public static final NoProxy NONE = new NoProxy(false, List.of(), List.of());

    /** An address range: {@code network}'s first {@code bits} bits. */
    public record Cidr(byte[] network, int bits) {
        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((bytes[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The list as the variable or option gives it; null or blank: none. Entries nk cannot read are skipped, as curl does. */
    public static NoProxy parse(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        if (list.strip().equals("*")) {
            return new NoProxy(true, List.of(), List.of());
        }
        List<String> names = new ArrayList<>();
        List<Cidr> ranges = new ArrayList<>();
        for (String item : list.split("[,\\s]+")) {
            String entry = normalize(item);
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            if (slash > 0) {
                Cidr range = cidr(entry.substring(0, slash), entry.substring(slash + 1));
                if (range != null) {
                    ranges.add(range);
                }
                continue;
            }
            names.add(entry);
        }
        return new NoProxy(false, List.copyOf(names), List.copyOf(ranges));
    }

    private static Cidr cidr(String address, String bits) {
        InetAddress network = Dialer.literal(address);
        if (network == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(bits);
            return n < 0 || n > network.getAddress().length * 8 ? null : new Cidr(network.getAddress(), n);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Lower case, without brackets, a leading dot or a trailing dot. */
    private static String normalize(String item) {
        String s = item.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            s = close < 0 ? s.substring(1) : s.substring(1, close) + s.substring(close + 1);
        }
        while (s.startsWith(".")) {
            s = s.substring(1);
        }
        while (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** Whether {@code host} (a name or an IP literal) is reached directly. */
    public boolean matches(String host) {
        if (everything) {
            return true;
        }
        String name = normalize(host);
        InetAddress literal = name.isEmpty() ? null : Dialer.literal(name);
        for (String entry : names) {
            if (literal != null) {
                InetAddress other = Dialer.literal(entry);
                if (other != null ? other.equals(literal) : entry.equals(name)) {
                    return true;
                }
            } else if (name.equals(entry) || name.endsWith("." + entry)) {
                return true;
            }
        }
        if (literal != null) {
            for (Cidr range : ranges) {
                if (range.contains(literal)) {
                    return true;
                }
            }
        }
        return false;
    }
}
