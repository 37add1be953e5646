package dev.netknife.tls;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Bouncy Castle's loggers, silenced: BCJSSE logs handshake alerts at INFO with stack traces, and nk
 * reports TLS failures itself. The native build runs this class's initializer (build-native.sh), so a
 * start finds BC's logger tree already silenced instead of re-levelling and re-parenting every BC
 * logger the image holds (a dozen page faults of a `tls-get`).
 */
final class BcLog {
    /** Held: a logger nobody references may be collected, and its level with it. */
    private static final Logger BC = silenced();

    private BcLog() {
    }

    /** Initializes this class (a no-op after the first call, and in the native executable). */
    static void silence() {
        if (BC.getLevel() != Level.OFF) {
            BC.setLevel(Level.OFF);
        }
    }

    private static Logger silenced() {
        Logger logger = Logger.getLogger("org.bouncycastle");
        logger.setLevel(Level.OFF);
        return logger;
    }
}
