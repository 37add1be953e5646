package dev.netknife.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** Stream views of any {@link Conn}, for protocols that read and write streams. */
public final class ConnStreams {
    private ConnStreams() {
    }

    /** An {@link InputStream} over {@link Conn#read}. */
    public static final class In extends InputStream {
        private final Conn conn;

        public In(Conn conn) {
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

    /** An {@link OutputStream} over {@link Conn#write}. */
    public static final class Out extends OutputStream {
        private final Conn conn;

        public Out(Conn conn) {
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
}
