package dev.netknife.io;

import dev.netknife.NkException;

/**
 * A rate as users type it: {@code N} or {@code N/s} per second, {@code N/m} per minute.
 * The token bucket holds {@code permits} (a burst of N is allowed) and refills over {@code periodMillis}.
 */
public record Rate(int permits, long periodMillis) {

    public Rate {
        if (permits < 1 || periodMillis < 1) {
            throw NkException.usage("bad rate: must be at least 1 per period");
        }
    }

    public static Rate parse(String text) {
        String s = text.strip().toLowerCase(java.util.Locale.ROOT);
        int slash = s.indexOf('/');
        String count = slash < 0 ? s : s.substring(0, slash);
        long period = slash < 0 ? 1000 : switch (s.substring(slash + 1)) {
            case "s" -> 1000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> throw bad(text);
        };
        if (count.isEmpty() || count.length() > 9 || !count.chars().allMatch(Character::isDigit)
                || Integer.parseInt(count) == 0) {
            throw bad(text);
        }
        return new Rate(Integer.parseInt(count), period);
    }

    private static NkException bad(String text) {
        return NkException.usage("bad rate '" + text + "': expected N, N/s or N/m (N at least 1)");
    }

    @Override
    public String toString() {
        return permits + (periodMillis == 1000 ? "/s" : periodMillis == 60_000 ? "/m" : periodMillis == 3_600_000 ? "/h" : "/" + periodMillis + "ms");
    }
}
