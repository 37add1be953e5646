package dev.netknife.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.io.Server;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stats/metrics responder on a real server: one request per connection, 404 for what no route knows. */
class PageResponderTest {
    private Server server;
    private Thread loop;

    @BeforeEach
    void start() {
        server = Server.bind(new Server.Config(InetAddress.getLoopbackAddress(), 0, 0, 0, null),
                conn -> PageResponder.serve(conn, path -> path.equals("/metrics") ? new PageResponder.Page("text/plain", "up 1\n") : null),
                new Server.Events() {
                });
        loop = Thread.ofVirtual().start(server::serve);
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.interrupt();
        server.close();
        loop.join();
    }

    @Test
    void aKnownPathGetsItsPageAndTheQueryIsIgnored() throws Exception {
        String response = get("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
        assertTrue(response.contains("\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nup 1\n"), response);
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        String response = get("GET /nope HTTP/1.1\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 404 Not Found\r\n"), response);
        assertTrue(response.endsWith("\r\n\r\nnot found\n"), response);
    }

    @Test
    void aClientThatSendsNothingIsLetGo() throws Exception {
        assertEquals("", get(""));
    }

    private String get(String request) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
