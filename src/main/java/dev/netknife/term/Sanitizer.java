package dev.netknife.term;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one place that decides what remote text may reach a terminal: it is shown, never obeyed.
 * C0 and C1 controls (so ESC, and with it every CSI, OSC, DCS, APC, PM and SOS sequence, in 7-
 * and 8-bit form), DEL, the bidi embeddings, overrides, isolates and marks (U+202A-U+202E,
 * U+2066-U+2069, LRM, RLM, ALM), the line and paragraph separators U+2028/U+2029, the invisible
 * characters that have no job in shown text (zero-width space U+200B, word joiner U+2060, BOM
 * U+FEFF) and lone surrogates are {@linkplain #clean escaped} as {@code \xNN} or {@code \\u{NNNN}};
 * a tab becomes a space. Nothing remote can move the cursor, overwrite a line, retitle the
 * window, write the clipboard, make a hyperlink or reorder what is read.
 *
 * <p>Decisions: the zero-width non-joiner and joiner (U+200C, U+200D) stay in text, because
 * Arabic, Persian and Indic scripts and emoji sequences need them and they move nothing; in a
 * {@linkplain #name name} (a nickname), where two look-alike names must be told apart, every
 * invisible format character (Unicode category Cf, those two included) is escaped. Combining
 * marks are left alone: they draw inside the cell of their base character, so a flood of them
 * cannot reach another line or move the cursor, every protocol already bounds its line length,
 * and a cap would break scripts that stack marks (Vietnamese or Tibetan in decomposed form).
 * Bytes that are not UTF-8 (overlong forms such as C0 AF, encoded surrogates such as ED A0 80,
 * stray continuation bytes) become U+FFFD where bytes turn into text ({@link #terminal}).
 *
 * <p>{@link #strip} applies the same rules by removing instead of escaping, for text nk relays to
 * other people's terminals (the chat server): escape sequences go whole.
 */
public final class Sanitizer {
    private static final char ESC = 0x1b;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Sanitizer() {
    }

    /** {@code remote} safe to print on one line; null stays null. */
    public static String clean(String remote) {
        return escape(remote, false);
    }

    /** As {@link #clean}, and every invisible format character escaped too: for names people tell apart by sight. */
    public static String name(String remote) {
        return escape(remote, true);
    }

    /** {@link #clean} for each line of nk's own multi-line text; the line breaks stay. */
    public static String cleanLines(String text) {
        if (text == null || text.indexOf('\n') < 0) {
            return clean(text);
        }
        StringBuilder out = new StringBuilder(text.length());
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
            out.append(clean(text.substring(start, end))).append('\n');
            start = end + 1;
        }
        return out.append(clean(text.substring(start))).toString();
    }

    /** {@code remote} with escape sequences removed whole and every other character {@link #clean} would escape dropped. */
    public static String strip(String remote) {
        StringBuilder out = new StringBuilder(remote.length());
        for (int i = 0; i < remote.length(); ) {
            char c = remote.charAt(i);
            if (c == ESC || c == 0x9b || c == 0x9d || c == 0x90 || c == 0x98 || c == 0x9e || c == 0x9f) {
                i = endOfSequence(remote, i) + 1;
                continue;
            }
            int cp = remote.codePointAt(i);
            if (cp == '\t') {
                out.append(' ');
            } else if (!control(cp) && !hidden(cp)) {
                out.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /**
     * A stream for bytes bound for a terminal: they are decoded as UTF-8 (what is not UTF-8 becomes
     * U+FFFD) and each line is {@linkplain #clean cleaned}; the line ends (LF, CRLF) stay. Any other
     * CR is escaped, so no line can be overwritten; a CR that the stream ends with is dropped.
     */
    public static OutputStream terminal(OutputStream out) {
        return new TerminalStream(out);
    }

    private static String escape(String remote, boolean name) {
        if (remote == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < remote.length(); ) {
            int cp = remote.codePointAt(i);
            boolean shown = cp == '\t' || control(cp) || hidden(cp) || (name && Character.getType(cp) == Character.FORMAT);
            if (shown && out == null) {
                out = new StringBuilder(remote.length() + 16).append(remote, 0, i);
            }
            if (out != null) {
                if (!shown) {
                    out.appendCodePoint(cp);
                } else if (cp == '\t') {
                    out.append(' ');
                } else if (cp <= 0xff) {
                    out.append("\\x").append(HEX[cp >> 4]).append(HEX[cp & 0xf]);
                } else {
                    String hex = Integer.toHexString(cp);
                    out.append("\\u{").append("000", 0, Math.max(0, 4 - hex.length())).append(hex).append('}');
                }
            }
            i += Character.charCount(cp);
        }
        return out == null ? remote : out.toString();
    }

    /** C0, DEL and C1: a terminal acts on them. */
    private static boolean control(int cp) {
        return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
    }

    /** Not controls, but they change how a line reads: bidi controls, separators, invisibles, lone surrogates. */
    static boolean hidden(int cp) {
        return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c
                || cp == 0x2028 || cp == 0x2029 || cp == 0x200b || cp == 0x2060 || cp == 0xfeff
                || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
    }

    /** The index of the last char of the escape sequence that starts at {@code i} (ESC or an 8-bit introducer). */
    private static int endOfSequence(String text, int i) {
        int n = text.length();
        char c = text.charAt(i);
        boolean csi = c == 0x9b;
        boolean string = c != ESC && !csi; // OSC, DCS, SOS, PM, APC: up to BEL or ST
        if (c == ESC) {
            if (i + 1 >= n) {
                return i;
            }
            char next = text.charAt(i + 1);
            if (next == '[') {
                csi = true;
            } else if (next == ']' || next == 'P' || next == 'X' || next == '^' || next == '_') {
                string = true;
            } else {
                return i + 1; // a two-character escape
            }
            i++;
        }
        for (int j = i + 1; j < n; j++) {
            char d = text.charAt(j);
            if (csi && d >= 0x40 && d <= 0x7e) {
                return j; // the final byte
            }
            if (string && (d == 0x07 || d == 0x9c)) {
                return j;
            }
            if (string && d == ESC && j + 1 < n && text.charAt(j + 1) == '\\') {
                return j + 1;
            }
        }
        return n - 1;
    }

    /**
     * Decodes incrementally: an incomplete UTF-8 sequence waits for the next write, a CR for the LF that may follow
     * it. Writers may be several threads ({@code connect -l -k}), hence the locking.
     */
    private static final class TerminalStream extends OutputStream {
        private final OutputStream out;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final byte[] carry = new byte[4];
        private int carried;
        private boolean cr;

        TerminalStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer in;
            if (carried == 0) {
                in = ByteBuffer.wrap(b, off, len);
            } else {
                byte[] joined = new byte[carried + len];
                System.arraycopy(carry, 0, joined, 0, carried);
                System.arraycopy(b, off, joined, carried, len);
                in = ByteBuffer.wrap(joined);
            }
            CharBuffer chars = CharBuffer.allocate(in.remaining() + 1);
            utf8.decode(in, chars, false);
            carried = in.remaining(); // the start of a sequence that the next write completes
            in.get(carry, 0, carried);
            emit(chars.flip());
        }

        private void emit(CharBuffer chars) throws IOException {
            String text = chars.toString();
            StringBuilder shown = new StringBuilder(text.length() + 16);
            int start = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\r' || c == '\n') {
                    shown.append(clean(text.substring(start, i)));
                    start = i + 1;
                    if (c == '\n') {
                        shown.append(cr ? "\r\n" : "\n");
                        cr = false;
                    } else {
                        shown.append(cr ? "\\x0d" : "");
                        cr = true;
                    }
                } else if (cr) {
                    shown.append("\\x0d"); // a CR that does not end a line would let what follows overwrite it
                    cr = false;
                }
            }
            shown.append(clean(text.substring(start)));
            out.write(shown.toString().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            if (carried > 0) {
                out.write("\ufffd".getBytes(StandardCharsets.UTF_8));
                carried = 0;
            }
            out.close();
        }
    }
}
