package dev.netknife.balance;

import dev.netknife.io.Conn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The faults of one proxied connection: which of those in force act on it (each drawn once against its
 * probability, when the connection first meets it), and the ends a reset or close fault cuts.
 */
final class FaultSession {
    private final Faults faults;
    private final Conn client;
    private final Conn backend;
    private final Map<Fault, Boolean> drawn = new HashMap<>();
    private final List<Fault>[] seen;
    private final List<Fault>[] acting;
    private final FaultLog log;
    private volatile boolean resetting;

    /** Hears what a fault did to a connection (a reset, a close), for -v. */
    @FunctionalInterface
    interface FaultLog {
        void event(Fault fault, String what);
    }

    @SuppressWarnings("unchecked")
    FaultSession(Faults faults, Conn client, Conn backend, FaultLog log) {
        this.faults = faults;
        this.client = client;
        this.backend = backend;
        this.log = log;
        this.seen = new List[Fault.Direction.values().length];
        this.acting = new List[Fault.Direction.values().length];
    }

    Faults faults() {
        return faults;
    }

    /** The faults in force that act on this connection's bytes going {@code way}, in the order they were added. */
    synchronized List<Fault> acting(List<Fault> all, Fault.Direction way) {
        int i = way.ordinal();
        if (seen[i] != all) {
            List<Fault> mine = new ArrayList<>();
            for (Fault f : all) {
                if (f.acts(way) && drawn.computeIfAbsent(f, x -> x.probability() >= 1 || ThreadLocalRandom.current().nextDouble() < x.probability())) {
                    mine.add(f);
                }
            }
            seen[i] = all;
            acting[i] = List.copyOf(mine);
        }
        return acting[i];
    }

    /**
     * Resets both connections (the client and the backend see RST). From here on a close of either end
     * through a {@link FaultyConn} (the pipe closing the other end on the failure) is a reset too.
     */
    void reset(Fault cause) {
        resetting = true;
        log.event(cause, "reset the connection");
        client.reset();
        backend.reset();
    }

    boolean resetting() {
        return resetting;
    }

    /** Closes both connections. */
    void close(Fault cause, String why) {
        log.event(cause, why);
        client.close();
        backend.close();
    }
}
