package dev.netknife.udp;

import dev.netknife.io.LineReader;
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

    /** Each line of {@code in} without its line ending; a line longer than {@code max} bytes is an error (exit 1), not a split. */
    static DatagramSource lines(InputStream in, int max) {
        return new LineReader(in, max, "the largest datagram UDP can carry")::next;
    }

    /** Each read of {@code in} as one datagram, at most {@code max} bytes (the {@code --binary} mode, as nc -u does). */
    static DatagramSource chunks(InputStream in, int max) {
        byte[] chunk = new byte[max];
        return () -> {
            int n = in.read(chunk);
            return n < 0 ? null : ByteBuffer.wrap(chunk, 0, n);
        };
    }
}
