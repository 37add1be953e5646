package dev.netknife.aot;

import dev.netknife.io.Conn;
import dev.netknife.io.Server;
import dev.netknife.tls.TlsServer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Just enough HTTP/1.1 server for the training run: keep-alive, {@code GET}/{@code HEAD}, and the
 * body framings http-get meets in the wild. {@code /big} is 16 MiB with Content-Length,
 * {@code /chunked} is chunked, {@code /redirect} is a 301 to {@code /small}, and gzip is used when
 * the client accepts it; every other path is a 2 KiB body.
 */
final class TrainingHttpServer implements AutoCloseable {
    private static final byte[] SMALL = pattern(2048);
    private static final byte[] BIG_BLOCK = pattern(64 * 1024);
    private static final int BIG_BLOCKS = 256;

    private final Server server;
    private final Thread acceptor;

    TrainingHttpServer(TlsServer tls) {
        server = Server.bind(new Server.Config(InetAddress.getLoopbackAddress(), 0, 0, 0, null), raw -> {
            Conn conn = tls == null ? raw : tls.accept(raw);
            serve(new BufferedInputStream(conn.in(), 8192), new BufferedOutputStream(conn.out(), 64 * 1024));
        }, new Server.Events() {
        });
        acceptor = Thread.ofVirtual().start(server::serve);
    }

    int port() {
        return server.address().getPort();
    }

    private static void serve(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String requestLine = line(in);
            if (requestLine == null) {
                return;
            }
            boolean gzip = false;
            for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                gzip |= lower.startsWith("accept-encoding:") && lower.contains("gzip");
            }
            String[] parts = requestLine.split(" ");
            boolean head = parts[0].equals("HEAD");
            String path = parts.length > 1 ? parts[1] : "/";
            respond(out, path, head, gzip);
            out.flush();
        }
    }

    private static void respond(OutputStream out, String path, boolean head, boolean gzip) throws IOException {
        switch (path) {
            case "/big" -> {
                out.write(head("200 OK", "Content-Length: " + (long) BIG_BLOCK.length * BIG_BLOCKS));
                for (int i = 0; i < BIG_BLOCKS && !head; i++) {
                    out.write(BIG_BLOCK);
                }
            }
            case "/chunked" -> {
                out.write(head("200 OK", "Transfer-Encoding: chunked"));
                if (!head) {
                    for (int i = 0; i < 4; i++) {
                        out.write((Integer.toHexString(SMALL.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(SMALL);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\nX-Trailer: done\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
            case "/redirect" -> out.write(head("301 Moved Permanently", "Location: /small\r\nContent-Length: 0"));
            case "/missing" -> {
                out.write(head("404 Not Found", "Content-Length: " + SMALL.length));
                if (!head) {
                    out.write(SMALL);
                }
            }
            default -> {
                byte[] body = gzip ? gzip(SMALL) : SMALL;
                out.write(head("200 OK", (gzip ? "Content-Encoding: gzip\r\n" : "") + "Content-Length: " + body.length));
                if (!head) {
                    out.write(body);
                }
            }
        }
    }

    private static byte[] head(String status, String headers) {
        return ("HTTP/1.1 " + status + "\r\nServer: nk-training\r\nContent-Type: application/octet-stream\r\n"
                + headers + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** One CRLF- or LF-terminated line without its terminator; null at end of stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); ; b = in.read()) {
            if (b < 0) {
                return sb.isEmpty() ? null : sb.toString();
            }
            if (b == '\n') {
                int end = sb.length();
                return end > 0 && sb.charAt(end - 1) == '\r' ? sb.substring(0, end - 1) : sb.toString();
            }
            sb.append((char) b);
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        }
        return bytes.toByteArray();
    }

    private static byte[] pattern(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        return data;
    }

    @Override
    public void close() {
        server.close();
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
