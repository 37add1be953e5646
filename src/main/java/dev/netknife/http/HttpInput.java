package dev.netknife.http;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Conn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Buffered reading of one connection's responses: lines for heads (with a size limit) and raw
 * bytes for bodies. Large body reads bypass the buffer once it is drained.
 */
public final class HttpInput {
    private final Conn conn;
    private final byte[] buffer;
    private int start;
    private int end;
    private boolean bareLf;
    private long crlfLines;

    public HttpInput(Conn conn) {
        this(conn, 16 * 1024);
    }

    /** {@code bufferSize}: servers holding many idle connections keep it small; larger reads bypass it. */
    public HttpInput(Conn conn, int bufferSize) {
        this.conn = conn;
        this.buffer = new byte[bufferSize];
    }

    /** Whether the last line read ended with a bare LF rather than CRLF. */
    public boolean lastLineEndedWithBareLf() {
        return bareLf;
    }

    /** How many lines read so far ended with CRLF. */
    public long crlfLines() {
        return crlfLines;
    }

    /** True when bytes are buffered (a server that sent more than its response asked for). */
    public boolean hasBuffered() {
        return end > start;
    }

    /**
     * One line without its ending. CRLF or a bare LF ends it (RFC 9112 2.2 allows LF); a bare CR
     * inside is an error. {@code budget} is what is left of the head limit; null at a clean EOF
     * before any byte.
     */
    public String readLine(int[] budget, String what) throws IOException {
        return readLine(budget, HttpLimits.HEAD_BYTES, what);
    }

    /** The same, where {@code budget} started at {@code limit} bytes (the error message names it). */
    String readLine(int[] budget, int limit, String what) throws IOException {
        for (int i = start; i < end; i++) {
            if (buffer[i] == '\n') {
                return bufferedLine(i, budget, limit, what);
            }
        }
        return readLineByteByByte(budget, limit, what);
    }

    /** The common case: the whole line is already in the buffer, ending at {@code newline}. */
    private String bufferedLine(int newline, int[] budget, int limit, String what) {
        budget[0] -= newline - start + 1;
        if (budget[0] < 0) {
            throw tooLarge(what, limit);
        }
        int lineEnd = newline > start && buffer[newline - 1] == '\r' ? newline - 1 : newline;
        ended(lineEnd == newline);
        for (int j = start; j < lineEnd; j++) {
            if (buffer[j] == '\r') {
                throw protocol("bare CR in the " + what);
            }
            if (buffer[j] == 0) {
                throw protocol("NUL byte in the " + what);
            }
        }
        String line = new String(buffer, start, lineEnd - start, StandardCharsets.ISO_8859_1);
        start = newline + 1;
        return line;
    }

    /** A line not (yet) whole in the buffer; a CR not followed by LF is an error at once, not when a LF finally comes. */
    private String readLineByteByByte(int[] budget, int limit, String what) throws IOException {
        StringBuilder line = new StringBuilder(64);
        boolean any = false;
        while (true) {
            if (start == end && !fill()) {
                if (!any) {
                    return null;
                }
                throw protocol("the connection closed in the middle of the " + what);
            }
            any = true;
            byte b = buffer[start++];
            if (--budget[0] < 0) {
                throw tooLarge(what, limit);
            }
            if (b == '\n') {
                int len = line.length();
                boolean crlf = len > 0 && line.charAt(len - 1) == '\r';
                if (crlf) {
                    line.setLength(len - 1);
                }
                ended(!crlf);
                if (line.indexOf("\r") >= 0) {
                    throw protocol("bare CR in the " + what);
                }
                return line.toString();
            }
            if (b == 0) {
                throw protocol("NUL byte in the " + what);
            }
            if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                throw protocol("bare CR in the " + what);
            }
            line.append((char) (b & 0xff));
        }
    }

    private void ended(boolean withBareLf) {
        bareLf = withBareLf;
        if (!withBareLf) {
            crlfLines++;
        }
    }

    private static NkException tooLarge(String what, int limit) {
        return protocol("the " + what + " is larger than the limit of " + (limit / 1024) + " KiB");
    }

    /** One body byte; -1 at end of stream. */
    int readByte() throws IOException {
        if (start == end && !fill()) {
            return -1;
        }
        return buffer[start++] & 0xff;
    }

    /** Up to {@code len} body bytes; -1 at end of stream. */
    public int read(byte[] b, int off, int len) throws IOException {
        if (start < end) {
            int n = Math.min(len, end - start);
            System.arraycopy(buffer, start, b, off, n);
            start += n;
            return n;
        }
        if (len >= buffer.length) {
            int n;
            do {
                n = conn.read(ByteBuffer.wrap(b, off, len));
            } while (n == 0);
            return n;
        }
        if (!fill()) {
            return -1;
        }
        return read(b, off, len);
    }

    /** Up to {@code dst.remaining()} body bytes straight into {@code dst} (a direct buffer moves them without a copy); -1 at end. */
    int read(ByteBuffer dst) throws IOException {
        if (start < end) {
            int n = Math.min(dst.remaining(), end - start);
            dst.put(buffer, start, n);
            start += n;
            return n;
        }
        int n;
        do {
            n = conn.read(dst);
        } while (n == 0);
        return n;
    }

    private boolean fill() throws IOException {
        start = 0;
        int n;
        do {
            n = conn.read(ByteBuffer.wrap(buffer, 0, buffer.length));
        } while (n == 0);
        end = Math.max(n, 0);
        return n > 0;
    }

    public static NkException protocol(String message) {
        return new NkException(ExitCode.PROTOCOL, null, message, null);
    }
}
