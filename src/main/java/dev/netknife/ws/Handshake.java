package dev.netknife.ws;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.http.HttpHeaders;
import dev.netknife.http.HttpInput;
import dev.netknife.http.HttpUrl;
import dev.netknife.http.ResponseHead;
import dev.netknife.term.Sanitizer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The opening handshake of RFC 6455 section 4, both sides. */
public final class Handshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int HEAD_LIMIT = 64 * 1024;

    private Handshake() {
    }

    /** What a client asks for; {@code origin} may be null. */
    public record ClientRequest(HttpUrl url, List<HttpHeaders.Field> headers, List<String> subprotocols, String origin, String userAgent) {
    }

    /** The server's 101 answer, and the subprotocol it chose (null for none). */
    public record Accepted(ResponseHead head, String subprotocol) {
    }

    /** What a client asked a server for. */
    public record ServerRequest(String target, HttpHeaders headers, String subprotocol) {
    }

    /** Sec-WebSocket-Accept for a key: base64(SHA-1(key + GUID)). */
    public static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** Sends the upgrade request and checks the answer; a refusal or a bad answer is exit 6. */
    public static Accepted client(HttpInput in, OutputStream out, ClientRequest request) throws IOException {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        // built-in headers, in order; an -H of the same name takes its place (an empty one drops it), as with curl
        Map<String, String> builtIn = new LinkedHashMap<>();
        builtIn.put("Host", request.url().hostHeader());
        builtIn.put("Upgrade", "websocket");
        builtIn.put("Connection", "Upgrade");
        builtIn.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(nonce));
        builtIn.put("Sec-WebSocket-Version", "13");
        builtIn.put("Sec-WebSocket-Protocol", request.subprotocols().isEmpty() ? null : String.join(", ", request.subprotocols()));
        builtIn.put("Origin", request.origin());
        builtIn.put("Authorization", request.url().basicAuthorization()); // ws://user:pass@host/, as curl and websocat
        builtIn.put("User-Agent", request.userAgent());
        List<HttpHeaders.Field> extra = new ArrayList<>();
        for (HttpHeaders.Field field : request.headers()) {
            String name = builtIn.keySet().stream().filter(field.name()::equalsIgnoreCase).findFirst().orElse(null);
            if (name == null) {
                extra.add(field);
            } else {
                builtIn.remove(name);
                builtIn.put(name, field.value().isEmpty() ? null : field.value()); // moved last: it goes out with the user's headers
            }
        }
        String key = builtIn.get("Sec-WebSocket-Key");
        StringBuilder head = new StringBuilder(256).append("GET ").append(request.url().target()).append(" HTTP/1.1\r\n");
        builtIn.forEach((name, value) -> {
            if (value != null) {
                head.append(name).append(": ").append(value).append("\r\n");
            }
        });
        for (HttpHeaders.Field field : extra) {
            if (!field.value().isEmpty()) {
                head.append(field.name()).append(": ").append(field.value()).append("\r\n");
            }
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();

        ResponseHead response = ResponseHead.read(in);
        if (response == null) {
            // what a TLS server does with a plain request: say so, as the likeliest cause
            throw refused("the server closed the connection without answering the handshake"
                    + (request.url().https() ? "" : " (if that port speaks TLS, use a wss:// URL)"));
        }
        if (response.status() != 101) {
            throw refused("handshake refused: HTTP " + response.status() + (response.reason().isEmpty() ? "" : " " + response.reason()));
        }
        HttpHeaders h = response.headers();
        if (!h.hasToken("Upgrade", "websocket")) {
            throw refused("the 101 answer lacks 'Upgrade: websocket'");
        }
        if (!h.hasToken("Connection", "upgrade")) {
            throw refused("the 101 answer lacks 'Connection: Upgrade'");
        }
        String acceptHeader = h.first("Sec-WebSocket-Accept");
        if (acceptHeader == null || key == null || !acceptHeader.strip().equals(accept(key.strip()))) {
            throw refused("wrong Sec-WebSocket-Accept in the 101 answer (RFC 6455 4.1)");
        }
        if (h.has("Sec-WebSocket-Extensions")) {
            throw refused("the server chose an extension nk did not offer: " + h.first("Sec-WebSocket-Extensions"));
        }
        String chosen = h.first("Sec-WebSocket-Protocol");
        if (chosen != null && !request.subprotocols().contains(chosen.strip())) {
            throw refused("the server chose the subprotocol '" + chosen + "', which nk did not offer");
        }
        return new Accepted(response, chosen == null ? null : chosen.strip());
    }

    /**
     * Reads a client's upgrade request and answers 101, choosing the first subprotocol the client
     * offers that {@code supported} lists. A request that is not a valid WebSocket upgrade gets a
     * 400 (426 for another protocol version) and an IOException: the server drops that client.
     */
    public static ServerRequest server(HttpInput in, OutputStream out, List<String> supported) throws IOException {
        int[] budget = {HEAD_LIMIT};
        String requestLine;
        HttpHeaders headers = new HttpHeaders();
        try {
            requestLine = in.readLine(budget, "request line");
            if (requestLine == null) {
                throw new IOException("the client closed before sending a request");
            }
            ResponseHead.readFields(in, budget, headers, "request header block");
        } catch (NkException e) {
            respond(out, "400 Bad Request", "", e.getMessage());
            throw new IOException(e.getMessage(), e);
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[0].equals("GET") || !parts[2].equals("HTTP/1.1")) {
            throw badRequest(out, "400 Bad Request", "", "not a GET HTTP/1.1 request: " + requestLine);
        }
        if (!parts[1].chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw badRequest(out, "400 Bad Request", "", "control or non-ASCII characters in the request target (RFC 9112 3.2)");
        }
        if (!headers.hasToken("Upgrade", "websocket") || !headers.hasToken("Connection", "upgrade")) {
            // one Connection header (RFC 9110 7.6.1): the upgrade it offers and the close that follows
            throw badRequest(out, "426 Upgrade Required", "Upgrade: websocket\r\nConnection: Upgrade, close\r\n",
                    "not a WebSocket upgrade (this is a WebSocket server)");
        }
        if (!"13".equals(headers.first("Sec-WebSocket-Version"))) {
            throw badRequest(out, "426 Upgrade Required", "Sec-WebSocket-Version: 13\r\n",
                    "unsupported Sec-WebSocket-Version " + headers.first("Sec-WebSocket-Version"));
        }
        String key = headers.first("Sec-WebSocket-Key");
        if (key == null || !validKey(key.strip())) {
            throw badRequest(out, "400 Bad Request", "", "missing or malformed Sec-WebSocket-Key");
        }
        String chosen = null;
        for (String offered : offered(headers)) {
            if (supported.contains(offered)) {
                chosen = offered;
                break;
            }
        }
        String extra = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept(key.strip()) + "\r\n"
                + (chosen == null ? "" : "Sec-WebSocket-Protocol: " + chosen + "\r\n");
        out.write(("HTTP/1.1 101 Switching Protocols\r\n" + extra + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new ServerRequest(parts[1], headers, chosen);
    }

    private static List<String> offered(HttpHeaders headers) {
        List<String> all = new ArrayList<>();
        for (String value : headers.all("Sec-WebSocket-Protocol")) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    all.add(token.strip());
                }
            }
        }
        return all;
    }

    private static boolean validKey(String key) {
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code why} may quote the client's request line or headers: escaped here, before it reaches a log or the answer. */
    private static IOException badRequest(OutputStream out, String status, String headers, String why) throws IOException {
        String clean = Sanitizer.clean(why);
        respond(out, status, headers, clean);
        return new IOException(clean);
    }

    private static void respond(OutputStream out, String status, String headers, String why) throws IOException {
        byte[] body = (why + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\n" + headers + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length + "\r\n" + (headers.contains("Connection:") ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** {@code message} may quote the server's status reason or header values: escaped here, before it reaches a terminal. */
    private static NkException refused(String message) {
        return new NkException(ExitCode.PROTOCOL, "handshake", Sanitizer.clean(message), null);
    }
}
