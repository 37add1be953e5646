package dev.netknife.http;

import java.io.IOException;

/**
 * Test access to the response body framing (Framing and BodyStream are package-private): reads
 * whole responses the way http-get does, for the parser fuzz cases in dev.netknife.cases.
 */
public final class ResponseBodies {
    private ResponseBodies() {
    }

    /**
     * Reads the next response from {@code in}: its head, then its body framed for {@code method}
     * (Content-Length, chunked, or until the end), into {@code scratch}. Returns the number of body
     * bytes, or -1 when the input ended before a response.
     */
    public static long read(HttpInput in, String method, byte[] scratch) throws IOException {
        ResponseHead head = ResponseHead.read(in);
        if (head == null) {
            return -1;
        }
        try (BodyStream body = Framing.of(head, method).open(in, head)) {
            long total = 0;
            for (int n = body.read(scratch, 0, scratch.length); n >= 0; n = body.read(scratch, 0, scratch.length)) {
                total += n;
            }
            return total;
        }
    }

    /** A chunked body on its own (what follows a head with Transfer-Encoding: chunked); returns its decoded length. */
    public static long readChunked(HttpInput in, byte[] scratch) throws IOException {
        try (BodyStream body = new BodyStream.Chunked(in)) {
            long total = 0;
            for (int n = body.read(scratch, 0, scratch.length); n >= 0; n = body.read(scratch, 0, scratch.length)) {
                total += n;
            }
            return total;
        }
    }
}
