package dev.netknife.chat;

/**
 * What a chat line may carry to other people's terminals: printable text only. Escape sequences
 * (CSI, OSC, and any other ESC sequence) are removed whole, other C0 and C1 controls, DEL and the
 * Unicode bidi overrides are dropped, and a tab becomes a space, so no client can move another's
 * cursor, recolour its screen or retitle its window.
 */
public final class ChatText {
    private ChatText() {
    }

    public static String strip(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == 0x1b || c == 0x9b || c == 0x9d) {
                i = skipSequence(text, i);
            } else if (c == '\t') {
                out.append(' ');
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)
                    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c) {
                continue;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The index of the last char of the escape sequence that starts at {@code i}. */
    private static int skipSequence(String text, int i) {
        int n = text.length();
        char c = text.charAt(i);
        boolean csi = c == 0x9b;
        boolean osc = c == 0x9d;
        if (c == 0x1b) {
            if (i + 1 >= n) {
                return i;
            }
            char next = text.charAt(i + 1);
            if (next == '[') {
                csi = true;
                i++;
            } else if (next == ']' || next == 'P' || next == '_' || next == '^') {
                osc = true; // OSC, DCS, APC, PM: up to BEL or ST
                i++;
            } else {
                return i + 1; // a two-character escape
            }
        }
        if (csi) {
            for (int j = i + 1; j < n; j++) {
                char d = text.charAt(j);
                if (d >= 0x40 && d <= 0x7e) {
                    return j; // the final byte
                }
            }
            return n - 1;
        }
        if (osc) {
            for (int j = i + 1; j < n; j++) {
                char d = text.charAt(j);
                if (d == 0x07 || d == 0x9c) {
                    return j;
                }
                if (d == 0x1b && j + 1 < n && text.charAt(j + 1) == '\\') {
                    return j + 1;
                }
            }
            return n - 1;
        }
        return i;
    }
}
