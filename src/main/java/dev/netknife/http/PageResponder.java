package dev.netknife.http;

import dev.netknife.io.Conn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A one-request-per-connection HTTP endpoint, the one behind balance --stats and monitor --metrics:
 * the request line picks a page, the rest of the request is not read, and the connection closes.
 */
public final class PageResponder {
    private PageResponder() {
    }

    /** A response: null from the routes means 404. */
    public record Page(String contentType, String body) {
    }

    /** Reads the request line (the rest of the request is ignored), answers with the route's page, and returns. */
    public static void serve(Conn conn, Function<String, Page> routes) throws IOException {
        String request = new HttpInput(conn, 4096).readLine(new int[] {16 * 1024}, "request line");
        if (request == null) {
            return;
        }
        String[] parts = request.split(" ");
        String path = parts.length > 1 ? parts[1] : "";
        int query = path.indexOf('?');
        Page page = routes.apply(query < 0 ? path : path.substring(0, query));
        byte[] body = (page == null ? "not found\n" : page.body()).getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + (page == null ? "404 Not Found" : "200 OK") + "\r\nContent-Type: "
                + (page == null ? "text/plain; charset=utf-8" : page.contentType()) + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        conn.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        conn.write(ByteBuffer.wrap(body));
    }
}
