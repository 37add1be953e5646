package dev.netknife.io;

import dev.netknife.BuildInfo;

/**
 * Set-up work a command needs later (the TLS provider, the CA store), done ahead of that need. On
 * the JVM it runs on a virtual thread beside DNS and connect, because loading it costs 100-200 ms
 * there. The native executable does the same work in a few milliseconds, less than starting the
 * virtual-thread scheduler and its threads would cost, so there it runs at once on the caller.
 */
public final class Ahead {
    private Ahead() {
    }

    /** Starts {@code task} (typically a {@link java.util.concurrent.FutureTask} read later). */
    public static void start(String name, Runnable task) {
        if (BuildInfo.isNativeImage()) {
            task.run();
        } else {
            Thread.ofVirtual().name(name).start(task);
        }
    }
}
