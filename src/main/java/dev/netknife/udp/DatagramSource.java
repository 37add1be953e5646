package dev.netknife.udp;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;

/** Where a UDP client's datagrams come from: one {@link #next()} per datagram, null at the end. */
@FunctionalInterface
public interface DatagramSource {

    ByteBuffer next() throws IOException;

    /** Each payload once, in order (the {@code --send} texts). */
    static DatagramSource of(List<byte[]> payloads) {
        Iterator<byte[]> it = payloads.iterator();
        return () -> it.hasNext() ? ByteBuffer.wrap(it.next()) : null;
    }

    /**
     * Each line of {@code in} without its line ending ({@code \n} or {@code \r\n}); a last line
     * without one counts too. A line longer than {@code max} bytes is an error (exit 1), not a split.
     */
    static DatagramSource lines(InputStream in, int max) {
        byte[] line = new byte[max];
        byte[] chunk = new byte[8192];
        return new DatagramSource() {
            private int start;
            private int end;
            private boolean eof;

            @Override
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
                    byte b = chunk[start++];
                    if (b == '\n') {
                        if (length > 0 && line[length - 1] == '\r') {
                            length--;
                        }
                        return ByteBuffer.wrap(line, 0, length);
                    }
                    if (length == max) {
                        throw tooLong(max);
                    }
                    line[length++] = b;
                }
            }
        };
    }

    /** Each read of {@code in} as one datagram, at most {@code max} bytes (the {@code --binary} mode, as nc -u does). */
    static DatagramSource chunks(InputStream in, int max) {
        byte[] chunk = new byte[max];
        return () -> {
            int n = in.read(chunk);
            return n < 0 ? null : ByteBuffer.wrap(chunk, 0, n);
        };
    }

    private static NkException tooLong(int max) {
        return new NkException(ExitCode.FAILURE, null, "a stdin line is longer than " + max
                + " bytes, the largest datagram UDP can carry", null);
    }
}
