package dev.netknife.io;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The netcat session: local input to the connection and the connection to local output, at the
 * same time. When local input ends the connection is half-closed and reading goes on until the
 * peer closes. The session ends when the peer closes, when {@code --expect} matches, or when
 * nothing moved for the idle timeout.
 */
public final class Relay {

    /**
     * {@code send} goes first (may be null); {@code expect}, taps may be null; idle 0 = no limit.
     * {@code finishLocalInput}: when the peer ends first, keep sending local input until it ends
     * (a file or pipe must arrive whole); false for a terminal, where the session ends with the peer.
     */
    public record Options(byte[] send, ExpectMatcher expect, Tap sentTap, Tap receivedTap, long idleTimeoutMillis,
            boolean finishLocalInput) {
    }

    public enum Outcome {
        /** The peer closed its side (or local output was closed by its reader). */
        PEER_CLOSED,
        /** {@code --expect} matched. */
        MATCHED,
        /** Nothing moved for the idle timeout. */
        IDLE_TIMEOUT
    }

    public record Result(Outcome outcome, long sent, long received) {
    }

    private final BufferPool pool;

    public Relay(BufferPool pool) {
        this.pool = pool;
    }

    /** Runs the session; {@code local} is typically stdin/stdout as a {@link StreamConn}. */
    public Result run(Conn conn, Conn local, Options options, Endpoint peer) {
        IdleWatch idle = options.idleTimeoutMillis() > 0 ? new IdleWatch(options.idleTimeoutMillis()) : null;
        try {
            if (idle != null) {
                idle.watch(conn);
            }
            Tap received = receivedTap(conn, options);
            if (options.send() != null && options.send().length > 0) {
                ByteBuffer text = ByteBuffer.wrap(options.send());
                if (options.sentTap() != null) {
                    options.sentTap().bytes(text.asReadOnlyBuffer());
                }
                conn.write(text);
            }
            AtomicReference<IOException> sendFailed = new AtomicReference<>();
            Thread upstream = Thread.ofVirtual().name("nk-relay-up").start(() -> sendLocalInput(local, conn, options.sentTap(), sendFailed));
            Outcome outcome = Outcome.PEER_CLOSED;
            try {
                Mover.copy(conn, local, pool, received);
            } catch (StreamConn.OutputClosedException e) {
                outcome = Outcome.PEER_CLOSED;
            } catch (IOException e) {
                if (options.expect() != null && options.expect().matched()) {
                    outcome = Outcome.MATCHED;
                } else if (idle != null && idle.expired(conn)) {
                    outcome = Outcome.IDLE_TIMEOUT;
                } else {
                    throw failure(e, peer);
                }
            }
            if (outcome == Outcome.PEER_CLOSED && options.expect() != null && options.expect().matched()) {
                outcome = Outcome.MATCHED;
            }
            if (outcome == Outcome.PEER_CLOSED && options.finishLocalInput() && options.expect() == null) {
                while (upstream.isAlive()) {
                    upstream.join(100);
                    if (idle != null && idle.expired(conn)) {
                        outcome = Outcome.IDLE_TIMEOUT;
                        break;
                    }
                }
                if (outcome == Outcome.PEER_CLOSED && sendFailed.get() != null) {
                    // as ncat's "Broken pipe": the peer went away with local input still to send, which is lost
                    throw new NkException(ExitCode.FAILURE, null, "the peer closed before all of stdin was sent ("
                            + peer + ")", sendFailed.get());
                }
            }
            local.close();
            conn.close();
            upstream.interrupt();
            return new Result(outcome, conn.bytesOut(), conn.bytesIn());
        } catch (IOException e) {
            throw failure(e, peer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NkException(ExitCode.INTERRUPTED, null, "interrupted", e);
        } finally {
            conn.close();
            if (idle != null) {
                idle.close();
            }
        }
    }

    private static Tap receivedTap(Conn conn, Options options) {
        ExpectMatcher expect = options.expect();
        Tap tap = options.receivedTap();
        if (expect == null) {
            return tap;
        }
        return data -> {
            if (tap != null) {
                tap.bytes(data.duplicate());
            }
            expect.bytes(data);
            if (expect.matched()) {
                // ends the copy loop right after this chunk is written out
                conn.close();
            }
        };
    }

    private void sendLocalInput(Conn local, Conn conn, Tap tap, AtomicReference<IOException> failed) {
        try {
            Mover.copy(local, conn, pool, tap);
        } catch (IOException e) {
            failed.set(e); // reported only when the rest of local input was owed to the peer (finishLocalInput)
            return;
        }
        try {
            conn.closeWrite();
        } catch (IOException e) {
            // every byte of local input was sent; only the half-close (FIN, close_notify) found the peer already gone
        }
    }

    static NkException failure(IOException e, Endpoint peer) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("reset")) {
            return new NkException(ExitCode.FAILURE, null, "connection reset by peer (" + peer + ")", e);
        }
        return new NkException(ExitCode.FAILURE, null, message + " (" + peer + ")", e);
    }

    /** What a finished relay means: 0, 7 when --expect saw no match, 124 when the idle timeout passed. */
    public static ExitCode exitCode(Relay.Result result, Options options) {
        return switch (result.outcome()) {
            case MATCHED -> ExitCode.OK;
            case PEER_CLOSED -> options.expect() == null ? ExitCode.OK : ExitCode.ASSERTION;
            case IDLE_TIMEOUT -> options.expect() == null ? ExitCode.TIMEOUT : ExitCode.ASSERTION;
        };
    }

    /** The failure {@code code} stands for (null for OK), naming the target. */
    public static NkException failure(ExitCode code, Relay.Options options, Endpoint target) {
        return switch (code) {
            case OK -> null;
            case TIMEOUT -> NkException.timeout("idle", "idle for " + Durations.format(options.idleTimeoutMillis()) + " (" + target + ")");
            default -> new NkException(ExitCode.ASSERTION, null, "no match for '" + options.expect().pattern()
                    + "' before the peer closed or the idle timeout passed (" + target + ")", null);
        };
    }
}
