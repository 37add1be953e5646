package dev.netknife.io;

import dev.netknife.NkException;

/** Port numbers, ranges and lists ({@code 80}, {@code 20-30}, {@code 22,80,8000-8100}) as users type them. */
public final class Ports {
    private Ports() {
    }

    /** A single port, 0 to 65535. */
    public static int parse(String text) {
        String s = text.strip();
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
            throw NkException.usage("bad port '" + text + "': expected a number from 0 to 65535");
        }
        int port = Integer.parseInt(s);
        if (port > 65535) {
            throw NkException.usage("bad port '" + text + "': expected a number from 0 to 65535");
        }
        return port;
    }

    /** A port or an inclusive range {@code FROM-TO}, 1 to 65535 each (port 0 cannot be checked). */
    public static Range parseRange(String text) {
        int dash = text.indexOf('-');
        if (dash == 0 || dash == text.length() - 1) {
            throw NkException.usage("bad port range '" + text + "': expected FROM-TO");
        }
        int from = rangePort(dash < 0 ? text : text.substring(0, dash), text);
        int to = dash < 0 ? from : rangePort(text.substring(dash + 1), text);
        if (to < from) {
            throw NkException.usage("bad port range '" + text + "': " + from + " is above " + to);
        }
        return new Range(from, to);
    }

    /** Ports as -z takes them: a port, a range FROM-TO, or a comma list of both ({@code 22,80,8000-8100}); sorted, each once. */
    public static int[] parseList(String text) {
        java.util.TreeSet<Integer> ports = new java.util.TreeSet<>();
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) {
                throw NkException.usage("bad port list '" + text + "': an empty item");
            }
            Range range = parseRange(part.strip());
            for (int port = range.from(); port <= range.to(); port++) {
                ports.add(port);
            }
        }
        return ports.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int rangePort(String part, String text) {
        String s = part.strip();
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit) || Integer.parseInt(s) == 0 || Integer.parseInt(s) > 65535) {
            throw NkException.usage("bad port '" + text + "': expected 1 to 65535, or a range FROM-TO");
        }
        return Integer.parseInt(s);
    }

    /** An inclusive range of ports. */
    public record Range(int from, int to) {
        public int size() {
            return to - from + 1;
        }
    }
}
