package dev.netknife.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** An {@link InputStream} over {@link Conn#read}. */
final class ConnInputStream extends InputStream {
    private final Conn conn;

    ConnInputStream(Conn conn) {
        this.conn = conn;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n;
        do {
            n = conn.read(ByteBuffer.wrap(b, off, len));
        } while (n == 0);
        return n;
    }

    @Override
    public int available() throws IOException {
        return conn.available();
    }

    @Override
    public void close() {
        conn.close();
    }
}
