package dev.netknife.io;

import dev.netknife.NkException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Backslash escapes in {@code --send} text: {@code \n \r \t \0 \\ \xHH}; anything else is UTF-8. */
public final class Escapes {
    private Escapes() {
    }

    public static byte[] decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        int literalStart = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != '\\') {
                continue;
            }
            out.writeBytes(text.substring(literalStart, i).getBytes(StandardCharsets.UTF_8));
            if (i + 1 >= text.length()) {
                throw NkException.usage("bad escape at the end of '" + text + "'");
            }
            char c = text.charAt(++i);
            switch (c) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '0' -> out.write(0);
                case '\\' -> out.write('\\');
                case 'x' -> {
                    int value = hex(text, i + 1) * 16 + hex(text, i + 2);
                    out.write(value);
                    i += 2;
                }
                default -> throw NkException.usage("unknown escape '\\" + c + "' in '" + text + "' (use \\\\ for a backslash)");
            }
            literalStart = i + 1;
        }
        out.writeBytes(text.substring(literalStart).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static int hex(String text, int at) {
        int digit = at < text.length() ? Character.digit(text.charAt(at), 16) : -1;
        if (digit < 0) {
            throw NkException.usage("bad escape '\\x' in '" + text + "': expected two hex digits");
        }
        return digit;
    }
}
