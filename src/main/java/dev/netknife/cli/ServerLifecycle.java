package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.io.Endpoint;
import dev.netknife.io.Server;
import dev.netknife.io.ShutdownHooks;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Units;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How every nk server runs: print the bound {@code HOST:PORT} on stdout when ready, serve until
 * interrupted (Ctrl-C or SIGTERM interrupt the serving loop through a shutdown hook; tests
 * interrupt the calling thread), then close everything and print a one-line summary.
 */
final class ServerLifecycle {
    private ServerLifecycle() {
    }

    static int serve(Server server, Invocation inv) {
        return serve(server.address(), server::serve, server::close, () -> summary(server.stats(), inv), inv);
    }

    /** As {@link #serve(Server, Invocation)}, with {@code beforeClose} run first when stopping (a goodbye to each client). */
    static int serve(Server server, Runnable beforeClose, Invocation inv) {
        return serve(server.address(), server::serve, () -> {
            beforeClose.run();
            server.close();
        }, () -> summary(server.stats(), inv), inv);
    }

    /** As {@link #serve(Server, Invocation)} without the address on stdout, for a server whose stdout is the data (connect -l -k). */
    static int serveWithoutAddress(Server server, Invocation inv) {
        return serve(null, server::serve, server::close, () -> summary(server.stats(), inv), 3_000, inv);
    }

    /**
     * Prints {@code address} (unless null), runs {@code loop} until it returns (an interrupt ends it), then
     * {@code close} and {@code summary}; returns exit code 130.
     */
    static int serve(InetSocketAddress address, Runnable loop, Runnable close, Runnable summary, Invocation inv) {
        return serve(address, loop, close, summary, 3_000, inv);
    }

    /** As above; on SIGTERM the JVM waits up to {@code stopMillis} for {@code close} (a drain) to finish. */
    static int serve(InetSocketAddress address, Runnable loop, Runnable close, Runnable summary, long stopMillis, Invocation inv) {
        LoopThread serving = new LoopThread(loop); // started before the hook exists, so the hook's interrupt always reaches a live thread
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            serving.thread.interrupt();
            try {
                stopped.await(stopMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ignored) {
                // the JVM is going down anyway
            }
        }, "nk-shutdown");
        boolean hooked = ShutdownHooks.add(hook);
        try {
            if (address != null) {
                ready(address, inv);
            }
            serving.runToEnd();
        } finally {
            close.run();
            summary.run();
            stopped.countDown();
            if (hooked) {
                ShutdownHooks.remove(hook);
            }
        }
        return ExitCode.INTERRUPTED.code();
    }

    /**
     * The serving loop runs on a virtual thread of its own, never on the caller's. In the native
     * executable the caller is the process's main thread, the one the kernel picks for SIGINT and
     * SIGTERM; a handler run there restarts a blocked accept(2), and could swallow the wake-up that
     * closing the listener sends, so the stop waited out {@code stopMillis} and lost the summary. A
     * virtual thread waits for a connection in the poller instead, which a close wakes without a signal.
     */
    private static final class LoopThread {
        private final Thread thread;
        private volatile Throwable failure;

        LoopThread(Runnable loop) {
            this.thread = Thread.ofVirtual().name("nk-serve").start(() -> {
                try {
                    loop.run();
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
            });
        }

        /** Waits for the loop to return; an interrupt of the caller (tests stop a server so) is passed on to the loop. */
        void runToEnd() {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    thread.interrupt(); // the stop it asked for is done once the loop ends: close() runs uninterrupted
                }
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        }
    }

    /** The ready line: {@code HOST:PORT}, or with --json a "listening" event (every stdout line is then JSON). */
    static void ready(InetSocketAddress address, Invocation inv) {
        if (inv.json()) {
            inv.json(JsonResult.event(inv.command(), "listening").put("address", address(address)));
        } else {
            inv.data(address(address));
        }
    }

    static String address(InetSocketAddress address) {
        return Endpoint.format(address);
    }

    private static void summary(Server.Stats stats, Invocation inv) {
        if (inv.json()) {
            inv.json(JsonResult.event(inv.command(), "summary")
                    .put("connections", stats.accepted()).put("rejected", stats.rejected())
                    .put("bytes_in", stats.bytesIn()).put("bytes_out", stats.bytesOut()));
        } else {
            inv.info("stopped: " + stats.accepted() + (stats.accepted() == 1 ? " connection, " : " connections, ")
                    + Units.bytes(stats.bytesIn()) + " in, " + Units.bytes(stats.bytesOut()) + " out"
                    + (stats.rejected() > 0 ? ", " + stats.rejected() + " rejected" : ""));
        }
    }
}
