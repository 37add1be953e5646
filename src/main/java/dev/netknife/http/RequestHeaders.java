package dev.netknife.http;

import dev.netknife.NkException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.nio.charset.StandardCharsets;

/** User-given request headers ({@code -H 'Name: value'}), validated so nothing can inject a line. */
public final class RequestHeaders {
    private RequestHeaders() {
    }

    /** {@code Name: value}; an empty value ({@code 'Accept:'}) removes a default header, as in curl. */
    public static HttpHeaders.Field parse(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw NkException.usage("bad header '" + line + "': expected 'Name: value'");
        }
        String name = line.substring(0, colon).strip();
        String value = line.substring(colon + 1).strip();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                throw NkException.usage("bad header name in '" + printable(line) + "'");
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || (c < 0x20 && c != '\t') || c == 0x7f) {
                throw NkException.usage("control character (CR, LF, NUL ...) in the value of header '" + name + "'");
            }
        }
        return new HttpHeaders.Field(name, value);
    }

    public static List<HttpHeaders.Field> parseAll(String[] lines) {
        List<HttpHeaders.Field> fields = new ArrayList<>();
        for (String line : lines) {
            fields.add(parse(line));
        }
        return fields;
    }

    /** {@code user:password} as a Basic Authorization value. */
    public static String basic(String userColonPassword) {
        if (!userColonPassword.contains(":")) {
            throw NkException.usage("-u needs user:password");
        }
        for (char c : userColonPassword.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                throw NkException.usage("control character in -u");
            }
        }
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
