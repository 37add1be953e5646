package dev.netknife.ws;

import dev.netknife.NkException;
import dev.netknife.io.Conn;
import dev.netknife.io.ExpectMatcher;
import dev.netknife.io.IdleWatch;
import dev.netknife.io.LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client's exchange over an open session: outgoing messages on a virtual thread (writes batched
 * while more are waiting), incoming ones on the caller's thread until the count or the expected
 * pattern is reached, the peer closes, or the idle timeout ends it. When the outgoing messages end
 * nk closes (unless it waits for a count or a match) and reads until the peer's close, as long as
 * the peer is not silent for the close wait ({@link #CLOSE_WAIT_MILLIS} from the command line).
 */
public final class WsClient {
    /** How long the peer may be silent, after nk's close frame, before nk stops waiting for its close frame. */
    public static final long CLOSE_WAIT_MILLIS = 5_000;

    /**
     * NO_PONG: a keepalive ping went unanswered for the pong timeout (the connection was closed for it). NO_CLOSE_ANSWER: after
     * our close the peer was silent for the close wait, without its close frame.
     */
    public enum Outcome { PEER_CLOSED, COUNT_REACHED, MATCHED, IDLE, NO_PONG, NO_CLOSE_ANSWER }

    /**
     * {@code count} 0 = none; {@code expect} null = none; {@code pingMillis} 0 = no keepalive; {@code closeWaitMillis}: how long the
     * peer may be silent after our close ({@link #CLOSE_WAIT_MILLIS} from the command line).
     */
    public record Options(int count, ExpectMatcher expect, int closeCode, long pingMillis, long pongTimeoutMillis, long closeWaitMillis) {
    }

    /** {@code pongs}: keepalive pings answered. */
    public record Result(Outcome outcome, long sent, long received, long pongs) {
    }

    /** Outgoing messages: null at the end; {@link #ready()} when another is already waiting. */
    public interface Outgoing {
        Message next() throws IOException;

        boolean ready() throws IOException;
    }

    /** Sees every message sent and received; {@link #flush()} when no further message is waiting. */
    public interface Listener {
        void message(boolean incoming, boolean text, ByteBuffer payload);

        void flush();

        /** Something the user should know that is not a failure (once per kind). */
        default void warning(String text) {
        }

        /** A keepalive ping was answered after {@code roundTripNanos}. */
        default void pong(long roundTripNanos) {
        }
    }

    private final WsSession session;
    private final Conn conn;
    private final IdleWatch idleWatch;
    private volatile long sent;
    private volatile boolean closeWaitExpired;
    private long received;

    /** {@code idleWatch} (may be null) already watches {@code conn}. */
    public WsClient(WsSession session, Conn conn, IdleWatch idleWatch) {
        this.session = session;
        this.conn = conn;
        this.idleWatch = idleWatch;
    }

    /** Runs the exchange; a protocol violation by the peer comes out as WsProtocolException, a cut connection as EOFException. */
    public Result run(Outgoing outgoing, Options options, Listener listener, Consumer<NkException> sendFailure) throws IOException {
        Thread sender = Thread.ofVirtual().name("nk-ws-send").start(() -> send(outgoing, options, listener, sendFailure));
        KeepAlive keepAlive = options.pingMillis() > 0
                ? new KeepAlive(session, conn, options.pingMillis(), options.pongTimeoutMillis(), listener::pong) : null;
        Thread pinger = keepAlive != null ? Thread.ofVirtual().name("nk-ws-ping").start(keepAlive::run) : null;
        try {
            Outcome outcome = receive(options, listener, keepAlive);
            return new Result(outcome, sent, received, keepAlive == null ? 0 : keepAlive.pongs());
        } finally {
            listener.flush();
            sender.interrupt();
            if (pinger != null) {
                pinger.interrupt();
            }
        }
    }

    private Outcome receive(Options options, Listener listener, KeepAlive keepAlive) throws IOException {
        while (true) {
            Message message;
            try {
                message = session.receive();
            } catch (IOException e) {
                if (keepAlive != null && keepAlive.timedOut()) {
                    return Outcome.NO_PONG;
                }
                if (idleWatch != null && idleWatch.expired(conn)) {
                    return Outcome.IDLE;
                }
                if (session.closeSent() && !(e instanceof WsProtocolException)) {
                    return closeWaitExpired ? Outcome.NO_CLOSE_ANSWER : Outcome.PEER_CLOSED; // we had closed; the peer hung up
                }
                throw e;
            }
            if (message == null) {
                return Outcome.PEER_CLOSED;
            }
            received++;
            listener.message(true, message.text(), ByteBuffer.wrap(message.payload(), 0, message.length()));
            if (!session.hasBuffered()) {
                listener.flush();
            }
            boolean matched = options.expect() != null && options.expect().test(ByteBuffer.wrap(message.payload(), 0, message.length()));
            if (matched || (options.count() > 0 && received >= options.count())) {
                closeAndWait(CloseCodes.NORMAL, options.closeWaitMillis());
                drain();
                return matched ? Outcome.MATCHED : Outcome.COUNT_REACHED;
            }
        }
    }

    private void send(Outgoing outgoing, Options options, Listener listener, Consumer<NkException> sendFailure) {
        try {
            boolean warned = false;
            for (Message m = outgoing.next(); m != null; m = outgoing.next()) {
                // a text message must be UTF-8 (RFC 6455 8.1); what is not goes as binary rather than break the protocol
                boolean text = m.text() && Utf8.valid(m.payload(), 0, m.length());
                if (m.text() && !text && !warned) {
                    warned = true;
                    listener.warning("message " + (sent + 1) + " is not UTF-8: sent as binary (and any others like it)");
                }
                session.send(text, m.payload(), 0, m.length());
                sent++;
                listener.message(false, text, ByteBuffer.wrap(m.payload(), 0, m.length()));
                if (!outgoing.ready()) {
                    session.flush();
                }
            }
            session.flush();
            if (options.count() == 0 && options.expect() == null) {
                closeAndWait(options.closeCode(), options.closeWaitMillis());
            } // else the receiver closes once the count or the match is reached
        } catch (IOException e) {
            // the receiving side sees the same failure and reports it
        } catch (NkException e) {
            sendFailure.accept(e);
            closeAndWait(CloseCodes.GOING_AWAY, options.closeWaitMillis());
        }
    }

    /** After our close: read (and drop) until the peer's close frame or the connection ends. */
    private void drain() {
        try {
            while (session.receive() != null) {
                // messages the peer sent before it saw our close
            }
        } catch (IOException ignored) {
            // the close wait timed out or the peer just went away; we were done anyway
        }
    }

    /**
     * Sends our close, then gives the peer until it has been silent for {@code waitMillis}: messages it sent before it saw our
     * close (echoes of the last lines, say) still arrive and count. A fixed deadline cut off a peer still busy sending.
     */
    private void closeAndWait(int code, long waitMillis) {
        try {
            session.close(code, "");
        } catch (IOException ignored) {
            return; // the connection is gone already
        }
        Thread.ofVirtual().name("nk-ws-close-wait").start(() -> {
            long limit = TimeUnit.MILLISECONDS.toNanos(waitMillis);
            try {
                for (long quiet = System.nanoTime() - conn.lastActivityNanos(); quiet < limit; quiet = System.nanoTime() - conn.lastActivityNanos()) {
                    TimeUnit.NANOSECONDS.sleep(limit - quiet);
                }
            } catch (InterruptedException e) {
                return;
            }
            closeWaitExpired = true;
            conn.close();
        });
    }

    /** The {@code --send} texts, in order. */
    public static Outgoing texts(List<byte[]> texts) {
        Iterator<byte[]> it = texts.iterator();
        return new Outgoing() {
            @Override
            public Message next() {
                if (!it.hasNext()) {
                    return null;
                }
                byte[] t = it.next();
                return new Message(true, t, t.length);
            }

            @Override
            public boolean ready() {
                return it.hasNext();
            }
        };
    }

    /** Each line a text message. */
    public static Outgoing lines(LineReader lines) {
        return new Outgoing() {
            @Override
            public Message next() throws IOException {
                ByteBuffer line = lines.next();
                return line == null ? null : new Message(true, line.array(), line.remaining());
            }

            @Override
            public boolean ready() throws IOException {
                return lines.hasBuffered();
            }
        };
    }

    /** Each read of {@code in} a binary message. */
    public static Outgoing chunks(InputStream in) {
        byte[] chunk = new byte[64 * 1024];
        return new Outgoing() {
            @Override
            public Message next() throws IOException {
                int n = in.read(chunk);
                return n < 0 ? null : new Message(false, chunk, n);
            }

            @Override
            public boolean ready() throws IOException {
                return in.available() > 0;
            }
        };
    }
}
