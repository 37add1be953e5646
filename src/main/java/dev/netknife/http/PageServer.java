package dev.netknife.http;

import dev.netknife.io.Server;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Function;

/**
 * The small HTTP server of balance --stats and monitor --metrics: pages from {@link PageResponder}, at most 64
 * clients at once, each with 10 s to send its request line, served on virtual threads until closed.
 */
public final class PageServer implements AutoCloseable {
    /** The content type of Prometheus's text format. */
    public static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private static final int MAX_CLIENTS = 64;
    private static final long IDLE_MILLIS = 10_000;

    private final Server server;
    private final Thread loop;

    private PageServer(Server server) {
        this.server = server;
        this.loop = Thread.ofVirtual().name("nk-pages").start(server::serve);
    }

    /** Binds {@code bind:port} (a usage or bind error as {@link Server#bind} reports it) and starts serving; {@code routes} as in {@link PageResponder}. */
    public static PageServer start(InetAddress bind, int port, Function<String, PageResponder.Page> routes) {
        return new PageServer(Server.bind(new Server.Config(bind, port, MAX_CLIENTS, IDLE_MILLIS, null),
                conn -> PageResponder.serve(conn, routes), new Server.Events() {
                }));
    }

    /** As above, with routes that see the method and body too (an API that changes things). */
    public static PageServer startApi(InetAddress bind, int port, Function<PageResponder.Request, PageResponder.Page> routes) {
        return new PageServer(Server.bind(new Server.Config(bind, port, MAX_CLIENTS, IDLE_MILLIS, null),
                conn -> PageResponder.serveRequests(conn, routes), new Server.Events() {
                }));
    }

    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
        loop.interrupt();
    }
}
