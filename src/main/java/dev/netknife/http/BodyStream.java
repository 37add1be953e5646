package dev.netknife.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * A response body as an InputStream, framed by Content-Length, chunked coding, or the end of
 * the connection. A body that ends early, or a chunk size that is not hex, is a protocol error
 * (exit 6): nothing short is passed off as complete.
 */
abstract class BodyStream extends InputStream {
    protected final HttpInput in;
    private boolean done;

    BodyStream(HttpInput in) {
        this.in = in;
    }

    /** True once the whole body was read (the connection may then serve the next request). */
    boolean complete() {
        return done;
    }

    protected final int finished() {
        done = true;
        return -1;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /**
     * Moves the whole body to a channel through a direct buffer, without the copies a byte[]
     * costs; null when this framing cannot (chunked bodies go through {@link #read}).
     */
    Long transferTo(java.nio.channels.WritableByteChannel out, java.nio.ByteBuffer buffer) throws IOException {
        return null;
    }

    static BodyStream empty(HttpInput in) {
        return new Fixed(in, 0);
    }

    /** Exactly {@code length} bytes. */
    static final class Fixed extends BodyStream {
        private long left;

        Fixed(HttpInput in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return finished();
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw HttpInput.protocol("the server closed the connection with " + left + " bytes of the body still to come");
            }
            left -= n;
            return n;
        }

        @Override
        Long transferTo(java.nio.channels.WritableByteChannel out, java.nio.ByteBuffer buffer) throws IOException {
            long total = 0;
            while (left > 0) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                int n = in.read(buffer);
                if (n < 0) {
                    throw HttpInput.protocol("the server closed the connection with " + left + " bytes of the body still to come");
                }
                left -= n;
                total += n;
                buffer.flip();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            finished();
            return total;
        }
    }

    /** Until the server closes the connection. */
    static final class UntilClose extends BodyStream {
        UntilClose(HttpInput in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            return n < 0 ? finished() : n;
        }

        @Override
        Long transferTo(java.nio.channels.WritableByteChannel out, java.nio.ByteBuffer buffer) throws IOException {
            long total = 0;
            while (true) {
                buffer.clear();
                int n = in.read(buffer);
                if (n < 0) {
                    finished();
                    return total;
                }
                total += n;
                buffer.flip();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
        }
    }

    /** Chunked transfer coding (RFC 9112 7.1); trailers are read and checked, then dropped. */
    static final class Chunked extends BodyStream {
        private long chunkLeft;
        private boolean ended;

        Chunked(HttpInput in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return finished();
            }
            if (chunkLeft == 0) {
                chunkLeft = nextChunkSize();
                if (chunkLeft == 0) {
                    int[] budget = {HttpLimits.HEAD_BYTES};
                    ResponseHead.readFields(in, budget, new HttpHeaders(), "response trailer section");
                    ended = true;
                    return finished();
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw HttpInput.protocol("the server closed the connection in the middle of a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                int[] budget = {2};
                String crlf = in.readLine(budget, "response chunk end");
                if (crlf == null || !crlf.isEmpty()) {
                    throw HttpInput.protocol("missing CRLF after a chunk");
                }
            }
            return n;
        }

        private long nextChunkSize() throws IOException {
            int[] budget = {HttpLimits.CHUNK_LINE_BYTES};
            String line = in.readLine(budget, "response chunk size line");
            if (line == null) {
                throw HttpInput.protocol("the server closed the connection before the last chunk");
            }
            int semicolon = line.indexOf(';');
            String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
            if (hex.isEmpty() || hex.length() > 15) {
                throw HttpInput.protocol("bad chunk size '" + clip(hex) + "'");
            }
            long size = 0;
            for (int i = 0; i < hex.length(); i++) {
                int digit = Character.digit(hex.charAt(i), 16);
                if (digit < 0) {
                    throw HttpInput.protocol("bad chunk size '" + clip(hex) + "'");
                }
                size = size * 16 + digit;
            }
            return size;
        }

        private static String clip(String s) {
            return dev.netknife.term.Sanitizer.clean(s.length() > 20 ? s.substring(0, 20) + "..." : s);
        }
    }
}
