package dev.netknife.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Header fields in the order received, names compared case-insensitively. */
public final class HttpHeaders {

    /** One field as it came. */
    public record Field(String name, String value) {
    }

    private final List<Field> fields = new ArrayList<>();

    public void add(String name, String value) {
        fields.add(new Field(name, value));
    }

    public void remove(String name) {
        fields.removeIf(f -> f.name().equalsIgnoreCase(name));
    }

    /** The first value, or null. */
    public String first(String name) {
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return f.value();
            }
        }
        return null;
    }

    public List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                values.add(f.value());
            }
        }
        return values;
    }

    /**
     * {@code s} without leading and trailing optional whitespace, which is SP and HTAB only (RFC 9110
     * 5.6.3): not String.strip's wider set, under which "\u000bchunked" would be chunked to nk and not
     * to a parser that keeps the VT.
     */
    public static String trimOws(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    public boolean has(String name) {
        return first(name) != null;
    }

    /** True if a comma-separated header (Connection, Transfer-Encoding) lists {@code token}. */
    public boolean hasToken(String name, String token) {
        for (String value : all(name)) {
            for (String part : value.split(",")) {
                if (trimOws(part).toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    public List<Field> fields() {
        return List.copyOf(fields);
    }
}
