package dev.netknife.balance;

import dev.netknife.NkException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

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
        Predicate<Backend> usable = b -> !tried.contains(b) && b.usable(now);
        return switch (this) {
            case ROUND_ROBIN -> smooth(all, usable);
            case LEAST_CONN -> leastConn(all, usable);
            case RANDOM -> random(all, usable);
        };
    }

    /** Smooth weighted round-robin among the eligible backends. */
    private static Backend smooth(List<Backend> all, Predicate<Backend> eligible) {
        Backend best = null;
        int total = 0;
        for (Backend b : all) {
            if (!eligible.test(b)) {
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

    private static Backend leastConn(List<Backend> all, Predicate<Backend> usable) {
        double fewest = Double.MAX_VALUE;
        for (Backend b : all) {
            if (usable.test(b)) {
                fewest = Math.min(fewest, load(b));
            }
        }
        double least = fewest;
        // among the least loaded, take turns so that idle backends share new clients evenly
        return smooth(all, b -> usable.test(b) && load(b) <= least);
    }

    private static double load(Backend b) {
        return (double) b.active() / b.weight();
    }

    private static Backend random(List<Backend> all, Predicate<Backend> usable) {
        int total = 0;
        for (Backend b : all) {
            if (usable.test(b)) {
                total += b.weight();
            }
        }
        if (total == 0) {
            return null;
        }
        int r = ThreadLocalRandom.current().nextInt(total);
        for (Backend b : all) {
            if (usable.test(b)) {
                r -= b.weight();
                if (r < 0) {
                    return b;
                }
            }
        }
        return null;
    }
}
