package dev.netknife.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Writing a body where the user wanted it failed (disk full, stdout closed). Kept apart from the
 * connection's own failures, which are the server's doing and have their exit codes.
 */
public final class SinkFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SinkFailure(IOException cause) {
        super(cause.getMessage(), cause);
    }

    /** The sink's stream, with its IOExceptions turned into SinkFailure. */
    static OutputStream guard(OutputStream out) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw new SinkFailure(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw new SinkFailure(e);
                }
            }
        };
    }

    /** The same for a channel. */
    static WritableByteChannel guard(WritableByteChannel out) {
        return new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) {
                try {
                    return out.write(src);
                } catch (IOException e) {
                    throw new SinkFailure(e);
                }
            }

            @Override
            public boolean isOpen() {
                return out.isOpen();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
