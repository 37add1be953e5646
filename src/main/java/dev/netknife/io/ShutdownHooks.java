package dev.netknife.io;

import dev.netknife.ExitSignals;

/**
 * Shutdown hooks for what must happen on Ctrl-C or SIGTERM (a server's summary, a WebSocket's going-away,
 * a terminal's settings), with the exit signal handlers the native executable installs only for them.
 */
public final class ShutdownHooks {
    private ShutdownHooks() {
    }

    /** Adds a shutdown hook; false when the process is already shutting down. */
    public static boolean add(Thread hook) {
        ExitSignals.ensureInstalled();
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Removes a shutdown hook; nothing to do when it runs (or ran) already. */
    public static void remove(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook is running and waits for its work
        }
    }
}
