package dev.netknife.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** An {@link OutputStream} over {@link Conn#write}. */
final class ConnOutputStream extends OutputStream {
    private final Conn conn;

    ConnOutputStream(Conn conn) {
        this.conn = conn;
    }

    @Override
    public void write(int b) throws IOException {
        conn.write(ByteBuffer.wrap(new byte[] {(byte) b}));
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        conn.write(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public void close() {
        conn.close();
    }
}
