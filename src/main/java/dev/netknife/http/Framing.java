package dev.netknife.http;

import dev.netknife.term.Sanitizer;
import java.util.List;

/**
 * How a response body is delimited (RFC 9112 6.3). Conflicting framing (Transfer-Encoding with
 * Content-Length, chunked not last or twice, Content-Length values that disagree) is a protocol
 * error, never a guess: that is where response smuggling lives. Curl is laxer (chunked wins over
 * Content-Length, the last of two lengths wins); equal repeated lengths are one (RFC 9110 8.6).
 */
enum Framing {
    /** HEAD, 1xx, 204, 304: no body whatever the headers say. */
    NONE,
    /** Exactly Content-Length bytes. */
    LENGTH,
    /** Chunked transfer coding. */
    CHUNKED,
    /** Until the server closes the connection (the connection cannot be reused). */
    UNTIL_CLOSE;

    static Framing of(ResponseHead head, String method) {
        int s = head.status();
        if (method.equals("HEAD") || s == 204 || s == 304 || (s >= 100 && s < 200)) {
            return NONE;
        }
        List<String> te = head.headers().all("Transfer-Encoding");
        if (!te.isEmpty()) {
            if (head.headers().has("Content-Length")) {
                throw HttpInput.protocol("the response has both Transfer-Encoding and Content-Length (RFC 9112 6.1)");
            }
            String[] codings = String.join(",", te).split(",");
            if (codings.length == 0 || !HttpHeaders.trimOws(codings[codings.length - 1]).equalsIgnoreCase("chunked")) {
                throw HttpInput.protocol("Transfer-Encoding does not end in chunked: '" + Sanitizer.clean(String.join(",", te)) + "'");
            }
            if (codings.length > 1) {
                // nk sends no TE, so chunked is the only coding a server may apply (RFC 9112 7.4);
                // a body still in another coding must not be passed off as the content
                String first = HttpHeaders.trimOws(codings[0]);
                throw HttpInput.protocol(first.equalsIgnoreCase("chunked") ? "chunked applied more than once"
                        : "unsupported transfer coding '" + Sanitizer.clean(first) + "' (nk accepts chunked only)");
            }
            return CHUNKED;
        }
        if (head.headers().has("Content-Length")) {
            contentLength(head);
            return LENGTH;
        }
        return UNTIL_CLOSE;
    }

    BodyStream open(HttpInput in, ResponseHead head) {
        return switch (this) {
            case NONE -> BodyStream.empty(in);
            case LENGTH -> new BodyStream.Fixed(in, contentLength(head));
            case CHUNKED -> new BodyStream.Chunked(in);
            case UNTIL_CLOSE -> new BodyStream.UntilClose(in);
        };
    }

    /** The Content-Length, or -1 without one; repeated equal values (also "5, 5") are fine. */
    static long contentLength(ResponseHead head) {
        long length = -1;
        List<String> values = head.headers().all("Content-Length");
        for (String value : values) {
            for (String part : value.split(",")) {
                String p = HttpHeaders.trimOws(part);
                if (p.isEmpty() || p.length() > 18 || !p.chars().allMatch(Character::isDigit)) {
                    throw HttpInput.protocol("bad Content-Length '" + Sanitizer.clean(value) + "'");
                }
                long v = Long.parseLong(p);
                if (length >= 0 && v != length) {
                    throw HttpInput.protocol("conflicting Content-Length values");
                }
                length = v;
            }
        }
        if (length < 0 && !values.isEmpty()) { // only commas ("Content-Length: ,"): no value at all
            throw HttpInput.protocol("bad Content-Length '" + Sanitizer.clean(String.join(", ", values)) + "'");
        }
        return length;
    }
}
