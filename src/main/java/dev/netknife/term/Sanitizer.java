package dev.netknife.term;

/**
 * Makes remote text safe to show on a terminal: C0 and C1 controls (ESC, so every CSI/OSC
 * sequence), DEL and Unicode bidi overrides are shown as escapes ({@code \\xNN}, {@code \\u{NNNN}}) instead of
 * being obeyed. Tabs become spaces. Nothing remote can move the cursor or retitle the window.
 */
public final class Sanitizer {
    private Sanitizer() {
    }

    public static String clean(String remote) {
        if (remote == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < remote.length(); i++) {
            char c = remote.charAt(i);
            String replacement = null;
            if (c == '\t') {
                replacement = " ";
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
                replacement = String.format("\\x%02x", (int) c);
            } else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c) {
                replacement = String.format("\\u{%04x}", (int) c);
            }
            if (replacement != null && out == null) {
                out = new StringBuilder(remote.length() + 8).append(remote, 0, i);
            }
            if (out != null) {
                out.append(replacement != null ? replacement : String.valueOf(c));
            }
        }
        return out == null ? remote : out.toString();
    }
}
