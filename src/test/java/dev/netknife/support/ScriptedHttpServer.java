package dev.netknife.support;

import dev.netknife.tls.Pem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A hand-written HTTP/1.1 server for client tests: it accepts on a virtual thread, reads each
 * request head and answers with the raw bytes a script returns, then keeps the connection for the
 * next request, closes it, or stalls. It records every request head and counts the connections
 * it accepted, so a test can say exactly what reached the wire (and that nothing did).
 *
 * <p>With an {@link SSLContext} a connection whose first byte is a TLS handshake record (0x16)
 * is served over TLS and any other over plain TCP, so one port serves both http:// and https://
 * (a redirect that changes only the scheme). Everything is bounded: connections, requests per
 * connection, head size and every wait.
 */
public final class ScriptedHttpServer implements AutoCloseable {
    private static final int MAX_CONNECTIONS = 50;
    private static final int MAX_REQUESTS_PER_CONNECTION = 20;
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int READ_TIMEOUT_MILLIS = 5_000;
    private static final long STALL_MILLIS = 5_000;
    private static final byte[] SENTINEL = "SENTINEL\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What happens to the connection after a reply. */
    public enum After { KEEP, CLOSE, STALL }

    /** Bytes to send as they are, and what then. */
    public record Reply(byte[] bytes, After after) {
        public static Reply keep(String text) {
            return new Reply(text.getBytes(StandardCharsets.ISO_8859_1), After.KEEP);
        }

        public static Reply close(String text) {
            return new Reply(text.getBytes(StandardCharsets.ISO_8859_1), After.CLOSE);
        }

        public static Reply stall(String text) {
            return new Reply(text.getBytes(StandardCharsets.ISO_8859_1), After.STALL);
        }
    }

    /** One request head as it arrived; {@code connection} counts from 1 in accept order, {@code tls} says how it came. */
    public record Request(int connection, boolean tls, String head) {
        public String requestLine() {
            return head.substring(0, head.indexOf("\r\n"));
        }

        /** The header lines, in order, as sent ({@code Name: value}). */
        public List<String> headerLines() {
            List<String> lines = new ArrayList<>(List.of(head.split("\r\n")));
            lines.removeFirst();
            return lines;
        }

        /** Header names in lower case, in order. */
        public List<String> headerNames() {
            return headerLines().stream().map(l -> l.substring(0, l.indexOf(':')).toLowerCase(Locale.ROOT)).toList();
        }
    }

    @FunctionalInterface
    public interface Script {
        Reply answer(Request request) throws Exception;
    }

    private final ServerSocket server;
    private final SSLContext tls;
    private final Script script;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;
    private volatile boolean sentinelSeen;

    private ScriptedHttpServer(ServerSocket server, SSLContext tls, Script script) {
        this.server = server;
        this.tls = tls;
        this.script = script;
        this.acceptor = Thread.ofVirtual().name("scripted-http-accept").start(this::acceptLoop);
    }

    /** On 127.0.0.1, a free port, plain only. */
    public static ScriptedHttpServer start(Script script) throws IOException {
        return start(InetAddress.getByName("127.0.0.1"), 0, null, script);
    }

    /** On {@code address:port} (0: a free port); {@code tls} null for plain only. */
    public static ScriptedHttpServer start(InetAddress address, int port, SSLContext tls, Script script) throws IOException {
        return new ScriptedHttpServer(new ServerSocket(port, 50, address), tls, script);
    }

    /** A server-side TLS context for a certificate chain and key made by {@link TestCerts}. */
    public static SSLContext tlsContext(Path chain, Path key) throws Exception {
        char[] password = "test".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", Pem.privateKey(key), password, Pem.certificates(chain).toArray(new X509Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code scheme://address:port}. */
    public String origin(String scheme) {
        return scheme + "://" + server.getInetAddress().getHostAddress() + ":" + port();
    }

    /** {@code http://address:port} followed by {@code path}. */
    public String url(String path) {
        return origin("http") + path;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public int accepted() {
        return accepted.get();
    }

    /**
     * The number of connections the client made, once every connection that reached the listen
     * backlog has been accepted: a sentinel connection of our own goes in last (the backlog is
     * FIFO) and is not counted.
     */
    public int connectionsMade() throws IOException, InterruptedException {
        try (Socket sentinel = new Socket(server.getInetAddress(), port())) {
            sentinel.getOutputStream().write(SENTINEL);
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (!sentinelSeen && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
        }
        if (!sentinelSeen) {
            throw new AssertionError("the sentinel connection was not accepted");
        }
        return accepted.get() - 1;
    }

    private void acceptLoop() {
        while (!closed && accepted.get() < MAX_CONNECTIONS) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            int number = accepted.incrementAndGet();
            open.add(s);
            Thread.ofVirtual().name("scripted-http-" + number).start(() -> serve(s, number));
        }
    }

    private void serve(Socket socket, int number) {
        Socket s = socket;
        try {
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            InputStream in = s.getInputStream();
            int first = in.read();
            if (first < 0) {
                return;
            }
            boolean overTls = tls != null && first == 0x16;
            if (overTls) {
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, new ByteArrayInputStream(new byte[] {(byte) first}), true);
                ssl.setUseClientMode(false);
                ssl.startHandshake();
                open.add(ssl);
                s = ssl;
                in = ssl.getInputStream();
            } else {
                in = new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) first}), in);
            }
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < MAX_REQUESTS_PER_CONNECTION && !closed; i++) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                if (head.equals("SENTINEL")) {
                    sentinelSeen = true;
                    return;
                }
                Request request = new Request(number, overTls, head);
                requests.add(request);
                Reply reply = script.answer(request);
                try {
                    out.write(reply.bytes());
                    out.flush();
                } catch (IOException e) {
                    return; // the client stopped reading (it gave up on a bad response): that is its right
                }
                if (reply.after() == After.CLOSE) {
                    return;
                }
                if (reply.after() == After.STALL) {
                    long end = System.currentTimeMillis() + STALL_MILLIS;
                    while (!closed && System.currentTimeMillis() < end) {
                        Thread.sleep(10);
                    }
                    return;
                }
            }
        } catch (Exception e) {
            // the client went away or the test is over
        } finally {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
            open.remove(socket);
            open.remove(s);
        }
    }

    /** The head without its final empty line; null at end of stream before a byte. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4);
            }
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("request head over " + MAX_HEAD_BYTES + " bytes");
            }
        }
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        server.close();
        for (Socket s : open) {
            s.close();
        }
        acceptor.join(Duration.ofSeconds(2));
    }
}
