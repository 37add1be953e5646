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
                    ResponseHead.readFields(in, budget, new HttpHeaders(), "response trailer section", true);
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
                chunkEnd();
            }
            return n;
        }

        /** The CRLF (or bare LF) after a chunk's data: anything else means the size lied. */
        private void chunkEnd() throws IOException {
            int b = in.readByte();
            if (b == '\r') {
                b = in.readByte();
            }
            if (b < 0) {
                throw HttpInput.protocol("the server closed the connection before the CRLF that ends a chunk");
            }
            if (b != '\n') {
                throw HttpInput.protocol("missing CRLF after a chunk");
            }
        }

        /** chunk-size [chunk-ext] (RFC 9112 7.1): 1 to 15 hex digits, then extensions, checked and ignored. */
        private long nextChunkSize() throws IOException {
            int[] budget = {HttpLimits.CHUNK_LINE_BYTES};
            String line = in.readLine(budget, HttpLimits.CHUNK_LINE_BYTES, "response chunk size line");
            if (line == null) {
                throw HttpInput.protocol("the server closed the connection before the last chunk");
            }
            int digits = 0;
            long size = 0;
            while (digits < line.length() && Character.digit(line.charAt(digits), 16) >= 0) {
                size = size * 16 + Character.digit(line.charAt(digits), 16);
                digits++;
                if (digits > 15) {
                    break;
                }
            }
            String rest = line.substring(digits);
            String extensions = HttpHeaders.trimOws(rest);
            if (digits == 0 || digits > 15 || !(extensions.isEmpty() || extensions.startsWith(";"))) {
                int semicolon = line.indexOf(';');
                throw HttpInput.protocol("bad chunk size '" + clip(semicolon < 0 ? line : line.substring(0, semicolon)) + "'");
            }
            if (!validExtensions(rest)) {
                throw HttpInput.protocol("bad chunk extension '" + clip(extensions) + "'");
            }
            return size;
        }

        /** {@code *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ) BWS}. */
        private static boolean validExtensions(String ext) {
            int i = 0;
            int n = ext.length();
            while (true) {
                i = skipBlanks(ext, i);
                if (i == n) {
                    return true;
                }
                if (ext.charAt(i) != ';') {
                    return false;
                }
                i = skipBlanks(ext, i + 1);
                int name = i;
                i = skipToken(ext, i);
                if (i == name) {
                    return false;
                }
                i = skipBlanks(ext, i);
                if (i < n && ext.charAt(i) == '=') {
                    i = skipBlanks(ext, i + 1);
                    int value = i;
                    i = i < n && ext.charAt(i) == '"' ? skipQuoted(ext, i) : skipToken(ext, i);
                    if (i <= value) {
                        return false;
                    }
                }
            }
        }

        private static int skipBlanks(String s, int i) {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            return i;
        }

        private static int skipToken(String s, int i) {
            while (i < s.length() && s.charAt(i) > 0x20 && s.charAt(i) < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            return i;
        }

        /** Past the closing quote, or -1 when there is none or a control character comes first. */
        private static int skipQuoted(String s, int i) {
            for (i++; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"') {
                    return i + 1;
                }
                if (c == '\\') {
                    i++;
                    c = i < s.length() ? s.charAt(i) : 0;
                }
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    return -1;
                }
            }
            return -1;
        }

        private static String clip(String s) {
            return dev.netknife.term.Sanitizer.clean(s.length() > 20 ? s.substring(0, 20) + "..." : s);
        }
    }
}
