package dev.netknife.balance;

import dev.netknife.NkException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** How the next backend is chosen among the usable ones not yet tried for this client. */
public enum Strategy {
    /** Smooth weighted round-robin (nginx's): equal weights take turns in backend order. */
    ROUND_ROBIN,
    /** Fewest open connections per unit of weight; ties go round-robin. */
    LEAST_CONN,
    /** Weighted random. */
    RANDOM;

    public static Strategy parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "round-robin", "roundrobin", "rr" -> ROUND_ROBIN;
            case "least-conn", "leastconn" -> LEAST_CONN;
            case "random" -> RANDOM;
            default -> throw NkException.usage("--strategy: unknown '" + text + "' (round-robin, least-conn or random)");
        };
    }

    /** The chosen backend, or null when none is usable. Callers serialize calls (round-robin state). */
    Backend pick(List<Backend> all, Set<Backend> tried, long now) {
        return switch (this) {
            case ROUND_ROBIN -> smooth(all, tried, now);
            case LEAST_CONN -> leastConn(all, tried, now);
            case RANDOM -> random(all, tried, now);
        };
    }

    private static Backend smooth(List<Backend> all, Set<Backend> tried, long now) {
        Backend best = null;
        int total = 0;
        for (Backend b : all) {
            if (tried.contains(b) || !b.usable(now)) {
                continue;
            }
            b.current += b.weight();
            total += b.weight();
            if (best == null || b.current > best.current) {
                best = b;
            }
        }
        if (best != null) {
            best.current -= total;
        }
        return best;
    }

    private static Backend leastConn(List<Backend> all, Set<Backend> tried, long now) {
        double fewest = Double.MAX_VALUE;
        for (Backend b : all) {
            if (!tried.contains(b) && b.usable(now)) {
                fewest = Math.min(fewest, (double) b.active() / b.weight());
            }
        }
        if (fewest == Double.MAX_VALUE) {
            return null;
        }
        // among the least loaded, take turns so that idle backends share new clients evenly
        Backend best = null;
        int total = 0;
        for (Backend b : all) {
            if (tried.contains(b) || !b.usable(now) || (double) b.active() / b.weight() > fewest) {
                continue;
            }
            b.current += b.weight();
            total += b.weight();
            if (best == null || b.current > best.current) {
                best = b;
            }
        }
        best.current -= total;
        return best;
    }

    private static Backend random(List<Backend> all, Set<Backend> tried, long now) {
        int total = 0;
        for (Backend b : all) {
            if (!tried.contains(b) && b.usable(now)) {
                total += b.weight();
            }
        }
        if (total == 0) {
            return null;
        }
        int r = ThreadLocalRandom.current().nextInt(total);
        for (Backend b : all) {
            if (!tried.contains(b) && b.usable(now)) {
                r -= b.weight();
                if (r < 0) {
                    return b;
                }
            }
        }
        return null;
    }
}
