package dev.netknife.io;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Lines of a byte stream (stdin) without their endings ({@code \n} or {@code \r\n}); a last line
 * without one counts too. The line buffer grows as needed up to {@code max} bytes; a longer line is
 * an error (exit 1), never split. {@link #hasBuffered()} tells a sender whether another line may
 * already be waiting, so it can batch writes and flush only when input pauses.
 */
public final class LineReader {
    private final InputStream in;
    private final int max;
    private final String limitName;
    private final byte[] chunk = new byte[16 * 1024];
    private byte[] line = new byte[256];
    private int start;
    private int end;
    private boolean eof;

    /** {@code limitName} says in the error what bounds a line (e.g. "--max-message"). */
    public LineReader(InputStream in, int max, String limitName) {
        this.in = in;
        this.max = max;
        this.limitName = limitName;
    }

    /** The next line, valid until the next call; null at the end of the stream. */
    public ByteBuffer next() throws IOException {
        int length = 0;
        while (true) {
            if (start == end) {
                if (eof) {
                    return length > 0 ? ByteBuffer.wrap(line, 0, length) : null;
                }
                int n = in.read(chunk);
                if (n < 0) {
                    eof = true;
                    continue;
                }
                start = 0;
                end = n;
            }
            int newline = -1;
            for (int i = start; i < end; i++) {
                if (chunk[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int stop = newline < 0 ? end : newline;
            int add = stop - start;
            if (length + add > max) {
                throw new NkException(ExitCode.FAILURE, null, "a stdin line is longer than " + max + " bytes (" + limitName + ")", null);
            }
            if (length + add > line.length) {
                line = Arrays.copyOf(line, (int) Math.min(max, Math.max(length + add, 2L * line.length)));
            }
            System.arraycopy(chunk, start, line, length, add);
            length += add;
            start = stop;
            if (newline >= 0) {
                start++;
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                return ByteBuffer.wrap(line, 0, length);
            }
        }
    }

    /** True when bytes of a next line are already read (or the stream says more are available). */
    public boolean hasBuffered() throws IOException {
        return start < end || (!eof && in.available() > 0);
    }
}
