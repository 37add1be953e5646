package dev.netknife.http;

import java.io.IOException;

/** A parsed status line and header block. */
public record ResponseHead(String version, int status, String reason, HttpHeaders headers) {

    /** Reads one head; null when the connection closed before a single byte (a stale keep-alive connection). */
    public static ResponseHead read(HttpInput in) throws IOException {
        return read(in, false);
    }

    /**
     * {@code afterInterim}: empty lines before the status line are skipped (a few, within the head's
     * limit), as some servers send one after a 100 Continue.
     */
    public static ResponseHead read(HttpInput in, boolean afterInterim) throws IOException {
        int[] budget = {HttpLimits.HEAD_BYTES};
        long crlfBefore = in.crlfLines();
        String statusLine = in.readLine(budget, "response status line");
        for (int skipped = 0; afterInterim && statusLine != null && statusLine.isEmpty() && skipped < 4; skipped++) {
            crlfBefore = in.crlfLines();
            statusLine = in.readLine(budget, "response status line");
        }
        if (statusLine == null) {
            return null;
        }
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' '
                || !Character.isDigit(statusLine.charAt(7))) {
            throw HttpInput.protocol("bad status line: " + quote(statusLine));
        }
        String code = statusLine.substring(9, 12);
        if (!code.chars().allMatch(Character::isDigit) || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            throw HttpInput.protocol("bad status code in: " + quote(statusLine));
        }
        int status = Integer.parseInt(code);
        if (status < 100) {
            throw HttpInput.protocol("bad status code in: " + quote(statusLine));
        }
        String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
        HttpHeaders headers = new HttpHeaders();
        readFields(in, budget, headers, "response header block", true, crlfBefore);
        return new ResponseHead(statusLine.substring(0, 8), status, reason, headers);
    }

    /** Header fields up to the empty line; a folded line (obs-fold) is refused, as a server may (RFC 9112 5.2). */
    public static void readFields(HttpInput in, int[] budget, HttpHeaders into, String what) throws IOException {
        readFields(in, budget, into, what, false, in.crlfLines());
    }

    /**
     * {@code unfold}: a folded line continues the field before it, joined by a space, as RFC 9112
     * 5.2 requires of a user agent reading a response; otherwise it is refused.
     */
    static void readFields(HttpInput in, int[] budget, HttpHeaders into, String what, boolean unfold) throws IOException {
        readFields(in, budget, into, what, unfold, in.crlfLines());
    }

    /**
     * Values lose only SP and HTAB around them (RFC 9110 5.6.3); any other control character in a
     * value is refused. A framing field (Content-Length, Transfer-Encoding) right after a line that
     * ended with a bare LF is refused when the head also has CRLF line ends (counted from
     * {@code crlfBefore}): a parser that ends lines at CRLF only would read it as part of the line
     * before, and frame the body differently (RFC 9112 2.2, 11.2).
     */
    private static void readFields(HttpInput in, int[] budget, HttpHeaders into, String what, boolean unfold, long crlfBefore)
            throws IOException {
        boolean framingAfterBareLf = false;
        // the field being read is added when the next one starts: its folded lines are appended here, not
        // joined into a new string each (64 KiB of folded lines made 30 MB of copies)
        String pending = null;
        StringBuilder value = new StringBuilder();
        for (int fields = 0; ; fields++) {
            boolean afterBareLf = in.lastLineEndedWithBareLf();
            String line = in.readLine(budget, what);
            if (line == null) {
                throw HttpInput.protocol("the connection closed in the middle of the " + what);
            }
            if (line.isEmpty()) {
                if (framingAfterBareLf && in.crlfLines() > crlfBefore) {
                    throw HttpInput.protocol("a bare LF splits a Content-Length or Transfer-Encoding field from the line before it in a "
                            + what + " that otherwise ends lines with CRLF: other parsers would frame this message differently");
                }
                if (pending != null) {
                    into.add(pending, value.toString());
                }
                return;
            }
            if (fields == HttpLimits.MAX_FIELDS) {
                throw HttpInput.protocol("the " + what + " has more than " + HttpLimits.MAX_FIELDS + " fields");
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (!unfold) {
                    throw HttpInput.protocol("obsolete line folding in the " + what + " (RFC 9112 5.2)");
                }
                if (pending == null) {
                    throw HttpInput.protocol("a line starting with whitespace before the first field of the " + what + " (RFC 9112 2.2)");
                }
                String more = fieldValue(HttpHeaders.trimOws(line), pending);
                if (!more.isEmpty()) {
                    value.append(value.isEmpty() ? "" : " ").append(more);
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw HttpInput.protocol("bad header line: " + quote(line));
            }
            String name = line.substring(0, colon);
            for (int i = 0; i < name.length(); i++) {
                if (!isTokenChar(name.charAt(i))) {
                    throw HttpInput.protocol("bad header name: " + quote(name));
                }
            }
            if (pending != null) {
                into.add(pending, value.toString());
            }
            pending = name;
            framingAfterBareLf |= afterBareLf && (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding"));
            value.setLength(0);
            value.append(fieldValue(HttpHeaders.trimOws(line.substring(colon + 1)), name));
        }
    }

    /** {@code value} when it has no control character but HTAB (obs-text, 0x80-0xFF, is allowed). */
    private static String fieldValue(String value, String name) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw HttpInput.protocol(String.format("control character 0x%02X in the value of the %s field", (int) c, quote(name)));
            }
        }
        return value;
    }

    private static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    private static String quote(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "'" + dev.netknife.term.Sanitizer.clean(cut) + "'";
    }

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only with keep-alive. */
    boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return version.equals("HTTP/1.1") || headers.hasToken("Connection", "keep-alive");
    }
}
