package dev.netknife.balance;

import dev.netknife.io.Durations;
import dev.netknife.io.Sizes;
import dev.netknife.term.Json;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One fault the balancer injects (a Toxiproxy "toxic"), in one direction or both, on a fraction of the
 * connections. Written on the command line as {@code [upstream:|downstream:]KIND[=VALUE][,KEY=VALUE]...}
 * and in the faults API as a JSON object with the same keys (plus {@code direction}).
 *
 * @param amount latency and jitter-free delay in nanoseconds, bandwidth in bytes/s, slice size, bytes
 *     before a reset or close, or the time before a black hole closes the connection (ms; 0: never)
 * @param extra  jitter (latency) or the pause between slices (slice), in nanoseconds
 */
public record Fault(String name, Kind kind, Direction direction, long amount, long extra, double probability) {

    public enum Kind {
        LATENCY("latency"), BANDWIDTH("bandwidth"), SLICE("slice"), RESET_AFTER("reset-after"), TIMEOUT("timeout"),
        CLOSE_AFTER("close-after");

        final String key;

        Kind(String key) {
            this.key = key;
        }

        static Kind of(String key) {
            for (Kind k : values()) {
                if (k.key.equals(key)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** Upstream: client to backend; downstream: backend to client. */
    public enum Direction {
        UPSTREAM, DOWNSTREAM, BOTH;

        boolean includes(Direction d) {
            return this == BOTH || this == d;
        }

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The pause between slices when {@code delay} is not given. */
    static final long DEFAULT_SLICE_DELAY_NANOS = 10_000_000L;

    /** {@code spec} as given to --fault; {@code defaultName} gives the name when it has no {@code name=}. */
    public static Fault parse(String spec, Supplier<String> defaultName) {
        String body = spec.strip();
        Map<String, String> keys = new LinkedHashMap<>();
        int colon = body.indexOf(':');
        int equals = body.indexOf('=');
        if (colon >= 0 && (equals < 0 || colon < equals)) {
            keys.put("direction", body.substring(0, colon).strip());
            body = body.substring(colon + 1);
        }
        for (String part : body.split(",")) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("bad fault '" + spec + "': an empty part");
            }
            int eq = part.indexOf('=');
            String key = (eq < 0 ? part : part.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            if (keys.put(key, eq < 0 ? "" : part.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException("bad fault '" + spec + "': " + key + " given twice");
            }
        }
        return of(keys, defaultName, spec);
    }

    /** A fault from the API's JSON object (values as strings, numbers or true). */
    public static Fault fromJson(Map<String, Object> object, Supplier<String> defaultName) {
        Map<String, String> keys = new LinkedHashMap<>();
        object.forEach((k, v) -> keys.put(k.toLowerCase(Locale.ROOT), v instanceof Boolean b ? (b ? "" : null)
                : v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : v == null ? null : v.toString()));
        keys.values().removeIf(java.util.Objects::isNull);
        StringBuilder given = new StringBuilder();
        keys.forEach((k, v) -> given.append(given.isEmpty() ? "" : ",").append(k).append(v.isEmpty() ? "" : "=" + v));
        return of(keys, defaultName, given.toString());
    }

    private static Fault of(Map<String, String> keys, Supplier<String> defaultName, String given) {
        Kind kind = null;
        for (String key : keys.keySet()) {
            Kind k = Kind.of(key);
            if (k != null) {
                if (kind != null) {
                    throw new IllegalArgumentException("bad fault '" + given + "': one kind per fault (" + kind.key + " and " + k.key
                            + "); give each its own");
                }
                kind = k;
            } else if (!java.util.List.of("direction", "jitter", "delay", "probability", "name").contains(key)) {
                throw new IllegalArgumentException("bad fault '" + given + "': unknown key '" + key + "' (kinds: latency, bandwidth, slice,"
                        + " reset-after, timeout, close-after; with them: jitter, delay, probability, name)");
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("bad fault '" + given + "': no kind (latency, bandwidth, slice, reset-after, timeout or close-after)");
        }
        String value = keys.get(kind.key);
        long amount = switch (kind) {
            case LATENCY -> nanos(kind.key, value, given, false);
            case BANDWIDTH -> {
                long rate = bytes(kind.key, value.endsWith("/s") ? value.substring(0, value.length() - 2) : value, given);
                if (rate < 1) {
                    throw new IllegalArgumentException("bad fault '" + given + "': bandwidth must be at least 1 byte/s");
                }
                yield rate;
            }
            case SLICE -> {
                long size = bytes(kind.key, value, given);
                if (size < 1) {
                    throw new IllegalArgumentException("bad fault '" + given + "': slice must be at least 1 byte");
                }
                yield size;
            }
            case RESET_AFTER, CLOSE_AFTER -> bytes(kind.key, value, given);
            case TIMEOUT -> value.isEmpty() ? 0 : nanos(kind.key, value, given, false) / 1_000_000;
        };
        if (keys.containsKey("jitter") && kind != Kind.LATENCY) {
            throw new IllegalArgumentException("bad fault '" + given + "': jitter goes with latency");
        }
        if (keys.containsKey("delay") && kind != Kind.SLICE) {
            throw new IllegalArgumentException("bad fault '" + given + "': delay goes with slice");
        }
        long extra = kind == Kind.LATENCY && keys.containsKey("jitter") ? nanos("jitter", keys.get("jitter"), given, true)
                : kind == Kind.SLICE ? (keys.containsKey("delay") ? nanos("delay", keys.get("delay"), given, true) : DEFAULT_SLICE_DELAY_NANOS) : 0;
        double probability = 1.0;
        if (keys.containsKey("probability")) {
            try {
                probability = Double.parseDouble(keys.get("probability"));
            } catch (NumberFormatException e) {
                probability = -1;
            }
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("bad fault '" + given + "': probability must be 0 to 1");
            }
        }
        Direction direction = Direction.BOTH;
        if (keys.containsKey("direction")) {
            try {
                direction = Direction.valueOf(keys.get("direction").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad fault '" + given + "': direction must be upstream, downstream or both");
            }
        }
        String name = keys.containsKey("name") ? keys.get("name") : defaultName.get();
        if (name.isBlank() || !name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("bad fault '" + given + "': a name is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return new Fault(name, kind, direction, amount, extra, probability);
    }

    private static long nanos(String key, String value, String given, boolean zeroOk) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("bad fault '" + given + "': " + key + " needs a duration (200ms, 1s)");
        }
        long millis;
        try {
            millis = Durations.parseMillis(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad fault '" + given + "': " + key + ": bad duration '" + value + "' (200ms, 1.5s)");
        }
        if (millis < 0 || (!zeroOk && millis == 0 && !key.equals("latency"))) {
            throw new IllegalArgumentException("bad fault '" + given + "': " + key + " must be more than 0");
        }
        return millis * 1_000_000L;
    }

    private static long bytes(String key, String value, String given) {
        long n = value == null ? -1 : Sizes.parse(value);
        if (n < 0) {
            throw new IllegalArgumentException("bad fault '" + given + "': " + key + " needs a size (1000, 64K, 1M)");
        }
        return n;
    }

    /** Whether it acts on bytes going {@code way}. */
    boolean acts(Direction way) {
        return direction.includes(way);
    }

    /** As the API shows it: the keys it was given with, values in nk's units. */
    public Json json() {
        Json j = Json.object().put("name", name).put("direction", direction.key());
        switch (kind) {
            case LATENCY -> {
                j.put("latency", Durations.format(amount / 1_000_000));
                j.put("jitter", Durations.format(extra / 1_000_000));
            }
            case BANDWIDTH -> j.put("bandwidth", amount);
            case SLICE -> {
                j.put("slice", amount);
                j.put("delay", Durations.format(extra / 1_000_000));
            }
            case RESET_AFTER -> j.put("reset-after", amount);
            case CLOSE_AFTER -> j.put("close-after", amount);
            case TIMEOUT -> {
                if (amount == 0) {
                    j.put("timeout", true); // until removed
                } else {
                    j.put("timeout", Durations.format(amount));
                }
            }
        }
        return j.put("probability", probability);
    }

    /** As --fault takes it. */
    public String spec() {
        String value = switch (kind) {
            case LATENCY -> "=" + Durations.format(amount / 1_000_000) + (extra > 0 ? ",jitter=" + Durations.format(extra / 1_000_000) : "");
            case BANDWIDTH, RESET_AFTER, CLOSE_AFTER -> "=" + amount;
            case SLICE -> "=" + amount + ",delay=" + Durations.format(extra / 1_000_000);
            case TIMEOUT -> amount == 0 ? "" : "=" + Durations.format(amount);
        };
        return (direction == Direction.BOTH ? "" : direction.key() + ":") + kind.key + value
                + (probability < 1 ? ",probability=" + probability : "") + ",name=" + name;
    }
}
