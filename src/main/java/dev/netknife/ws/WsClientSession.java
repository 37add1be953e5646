package dev.netknife.ws;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.http.HttpInput;
import dev.netknife.io.Conn;
import dev.netknife.io.Deadline;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.Durations;
import dev.netknife.io.IdleWatch;
import dev.netknife.io.ShutdownHooks;
import dev.netknife.io.Timings;
import dev.netknife.tls.TlsClient;
import dev.netknife.tls.TlsConn;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A WebSocket client's whole connection: dial (and TLS), the opening handshake within a deadline, the
 * message loop of {@link WsClient}, and its end. Stopped by Ctrl-C or SIGTERM, it sends the peer 1001
 * (going away) rather than cutting the connection.
 */
public final class WsClientSession {
    /** How long a stopping nk tries to get its close frame out (the peer may not be reading). */
    private static final long GOING_AWAY_MILLIS = 500;

    /**
     * {@code tls} null for ws://; {@code idleMillis} 0 for no idle limit; {@code startNanos} when the run started,
     * for the first-byte timing.
     */
    public record Config(Handshake.ClientRequest request, DialOptions dial, TlsClient tls, long idleMillis,
                         WsSession.Options session, WsClient.Options client, long startNanos) {
    }

    /** Where the connection stands, as it gets there. */
    public interface Events {
        /** The connection's timings so far: after connect (and TLS), then with the first byte once upgraded. */
        void timings(Timings timings);

        /** The upgrade was accepted; {@code tlsProtocol} null without TLS. */
        void upgraded(Handshake.Accepted accepted, String tlsProtocol);
    }

    /** How the run went; {@code sendFailure} is what stopped nk's own sending (stdin broke a limit), or null. */
    public record Outcome(WsClient.Result result, WsSession session, Handshake.Accepted accepted, Timings timings, NkException sendFailure) {
    }

    private WsClientSession() {
    }

    public static Outcome run(Config config, WsClient.Outgoing outgoing, WsClient.Listener listener, Events events) {
        Conn conn = TlsClient.dial(new Dialer(config.dial()), config.request().url().endpoint(), config.tls());
        IdleWatch idleWatch = config.idleMillis() > 0 ? new IdleWatch(config.idleMillis()) : null;
        try {
            events.timings(conn.timings());
            HttpInput in = new HttpInput(conn);
            OutputStream out = new BufferedOutputStream(conn.out(), 64 * 1024);
            if (idleWatch != null) {
                idleWatch.watch(conn);
            }
            Handshake.Accepted accepted = upgrade(conn, in, out, config, idleWatch);
            Timings timings = conn.timings().withFirstByte(System.nanoTime() - config.startNanos());
            events.timings(timings);
            events.upgraded(accepted, conn instanceof TlsConn t ? t.protocol() : null);
            WsSession session = new WsSession(in, out, true, config.session());
            Thread goingAway = closeOnShutdown(session);
            AtomicReference<NkException> sendFailure = new AtomicReference<>();
            WsClient.Result result;
            try {
                result = new WsClient(session, conn, idleWatch).run(outgoing, config.client(), listener, sendFailure::set);
            } catch (WsProtocolException e) {
                throw new NkException(ExitCode.PROTOCOL, null, "the server broke the protocol: " + e.getMessage()
                        + "; closed with " + e.closeCode(), e);
            } catch (EOFException e) {
                throw new NkException(ExitCode.PROTOCOL, null, e.getMessage(), e);
            } catch (IOException e) {
                throw WsEnding.broken(e);
            } finally {
                if (goingAway != null) {
                    ShutdownHooks.remove(goingAway); // the run ended on its own: no close frame on the way out
                }
            }
            return new Outcome(result, session, accepted, timings, sendFailure.get());
        } finally {
            if (idleWatch != null) {
                idleWatch.close();
            }
            conn.close();
        }
    }

    /** The opening handshake within the connect timeout: a server that accepts and never answers must not hang nk. */
    private static Handshake.Accepted upgrade(Conn conn, HttpInput in, OutputStream out, Config config, IdleWatch idleWatch) {
        long timeoutMillis = config.dial().connectTimeoutMillis();
        try (Deadline deadline = new Deadline(conn, timeoutMillis)) {
            try {
                return Handshake.client(in, out, config.request());
            } catch (IOException e) {
                if (deadline.expired()) {
                    throw NkException.timeout("first-byte", "no answer to the WebSocket upgrade within " + Durations.format(timeoutMillis));
                }
                if (idleWatch != null && idleWatch.expired(conn)) {
                    throw NkException.timeout("idle", "idle for " + Durations.format(config.idleMillis())
                            + " before the WebSocket upgrade was answered");
                }
                throw WsEnding.broken(e);
            }
        }
    }

    /** On Ctrl-C or SIGTERM the peer gets 1001 (going away) rather than a cut connection; null when already shutting down. */
    private static Thread closeOnShutdown(WsSession session) {
        Thread hook = new Thread(() -> {
            Thread closing = Thread.ofVirtual().start(() -> {
                try {
                    session.close(CloseCodes.GOING_AWAY, "");
                } catch (IOException gone) {
                    // nothing more to tell the peer
                }
            });
            try {
                closing.join(GOING_AWAY_MILLIS); // a writer blocked on a peer that does not read holds the session
            } catch (InterruptedException ignored) {
                // the JVM is going down anyway
            }
        }, "nk-ws-going-away");
        return ShutdownHooks.add(hook) ? hook : null;
    }
}
