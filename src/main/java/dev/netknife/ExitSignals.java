package dev.netknife;

import sun.misc.Signal;

/**
 * Ctrl-C, SIGTERM and SIGHUP run the shutdown hooks and exit with 128 + the signal's number, as the
 * JVM arranges by itself at start. The native executable arranges it only when a command adds a
 * shutdown hook (servers, the WebSocket client, chat's terminal): a Java signal handler starts the
 * runtime's signal-dispatch thread, about a millisecond of every start, which a one-off command no
 * longer pays; with no hook to run, the signal's default action ends it with the same status.
 */
public final class ExitSignals {
    private ExitSignals() {
    }

    private static final class Installed {
        static final boolean DONE = install();
    }

    /** Installs the handlers once (native executable); the JVM has its own. Call before adding a shutdown hook. */
    public static void ensureInstalled() {
        if (BuildInfo.isNativeImage() && !Installed.DONE) {
            throw new IllegalStateException("exit signal handlers not installed");
        }
    }

    private static boolean install() {
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            try {
                // an ignored signal (a background job's SIGINT) stays ignored: the runtime installs nothing then
                Signal.handle(new Signal(name), signal -> Nk.exitOnSignal(128 + signal.getNumber()));
            } catch (IllegalArgumentException e) {
                // not available here: the signal keeps its default action
            }
        }
        return true;
    }
}
