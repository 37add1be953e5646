package dev.netknife.http;

import dev.netknife.NkException;
import dev.netknife.io.Conn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;

/**
 * A one-request-per-connection HTTP endpoint, the one behind balance --stats (and its faults API) and
 * monitor --metrics: the request line picks a page, a body is read when Content-Length announces one
 * (64 KiB at most), the answer closes the connection.
 */
public final class PageResponder {
    /** The largest request body read (a faults API request is a few hundred bytes). */
    static final int MAX_BODY = 64 * 1024;

    private PageResponder() {
    }

    /** A request: method, path without its query, and body (empty when none). */
    public record Request(String method, String path, String body) {
    }

    /** A response; {@code status} 200 unless said. Null from the routes means 404. */
    public record Page(int status, String contentType, String body) {
        public Page(String contentType, String body) {
            this(200, contentType, body);
        }

        /** A plain-text error answer. */
        public static Page error(int status, String message) {
            return new Page(status, "text/plain; charset=utf-8", message + "\n");
        }
    }

    /** Pages by path for GET (and HEAD); other methods are refused with 405. */
    public static void serve(Conn conn, Function<String, Page> routes) throws IOException {
        serveRequests(conn, request -> request.method().equals("GET") || request.method().equals("HEAD") ? routes.apply(request.path())
                : Page.error(405, "method not allowed"));
    }

    /** Reads one request and answers with what {@code routes} gives for it. */
    public static void serveRequests(Conn conn, Function<Request, Page> routes) throws IOException {
        HttpInput input = new HttpInput(conn, 4096);
        int[] budget = {16 * 1024};
        Page page;
        String method = "GET";
        try {
            String line = input.readLine(budget, "request line");
            if (line == null) {
                return;
            }
            String[] parts = line.split(" ");
            method = parts[0];
            String path = parts.length > 1 ? parts[1] : "";
            int query = path.indexOf('?');
            long length = 0;
            for (String header = input.readLine(budget, "request head"); header != null && !header.isEmpty();
                    header = input.readLine(budget, "request head")) {
                int colon = header.indexOf(':');
                String name = colon < 0 ? "" : header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                if (name.equals("content-length")) {
                    length = contentLength(header.substring(colon + 1).strip());
                } else if (name.equals("transfer-encoding")) {
                    length = -2;
                }
            }
            page = length == -2 ? Page.error(411, "send the body with a Content-Length")
                    : length < 0 || length > MAX_BODY ? Page.error(413, "the body is over " + MAX_BODY + " bytes")
                    : routes.apply(new Request(method, query < 0 ? path : path.substring(0, query), body(input, (int) length)));
        } catch (NkException e) {
            page = Page.error(400, e.getMessage());
        }
        answer(conn, method, page);
    }

    private static long contentLength(String value) {
        return value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit) ? -1 : Long.parseLong(value);
    }

    private static String body(HttpInput input, int length) throws IOException {
        byte[] body = new byte[length];
        int got = 0;
        while (got < length) {
            int n = input.read(body, got, length - got);
            if (n < 0) {
                throw HttpInput.protocol("the request body ended after " + got + " of " + length + " bytes");
            }
            got += n;
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static void answer(Conn conn, String method, Page page) throws IOException {
        Page p = page == null ? Page.error(404, "not found") : page;
        byte[] body = p.body().getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + p.status() + " " + reason(p.status()) + "\r\nContent-Type: " + p.contentType()
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        conn.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        if (!method.equals("HEAD") && p.status() != 204) {
            conn.write(ByteBuffer.wrap(body));
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            default -> "Status";
        };
    }
}
