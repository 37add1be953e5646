package dev.netknife.io;

import dev.netknife.NkException;

/** Durations as users type them: {@code 250ms}, {@code 3s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
public final class Durations {
    private Durations() {
    }

    /** The duration in milliseconds; 0 means "no limit" where an option documents it. */
    public static long parseMillis(String text) {
        String s = text.strip().toLowerCase(java.util.Locale.ROOT);
        int unitAt = 0;
        // ASCII digits only: Character.isDigit takes other scripts' digits, which Double.parseDouble refuses
        while (unitAt < s.length() && ((s.charAt(unitAt) >= '0' && s.charAt(unitAt) <= '9') || s.charAt(unitAt) == '.')) {
            unitAt++;
        }
        String number = s.substring(0, unitAt);
        long scale = switch (s.substring(unitAt)) {
            case "ms" -> 1;
            case "", "s" -> 1000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> throw bad(text);
        };
        if (number.isEmpty() || number.chars().filter(c -> c == '.').count() > 1 || number.equals(".")) {
            throw bad(text);
        }
        double value = Double.parseDouble(number) * scale;
        if (value > Long.MAX_VALUE / 2) {
            throw bad(text);
        }
        return Math.round(value);
    }

    private static NkException bad(String text) {
        return NkException.usage("bad duration '" + text + "': expected e.g. 250ms, 3s, 2m, 1h or seconds");
    }

    /** A short human form: {@code 250ms}, {@code 3s}, {@code 1.5s}, {@code 2m}. */
    public static String format(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : (millis / 1000.0) + "s";
    }
}
