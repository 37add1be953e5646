package dev.netknife.io;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts as users type them: digits, optionally with K, M or G (binary multiples, as curl's
 * suffixes; "KiB", "MiB", "GiB" and a trailing "B" are taken too): 4096, 64K, 16MiB.
 */
public final class Sizes {
    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(?:([kmg])(?:i?b)?|b)?", Pattern.CASE_INSENSITIVE);

    private Sizes() {
    }

    /** The count {@code text} says, or -1 when it is not one (or overflows). */
    public static long parse(String text) {
        Matcher m = BYTES.matcher(text.strip());
        if (!m.matches() || m.group(1).length() > 12) {
            return -1;
        }
        int shift = m.group(2) == null ? 0 : switch (Character.toUpperCase(m.group(2).charAt(0))) {
            case 'K' -> 10;
            case 'M' -> 20;
            default -> 30;
        };
        long value = Long.parseLong(m.group(1)) << shift; // at most 12 digits: < 2^40, shifted < 2^70 ...
        return (value >>> shift) == Long.parseLong(m.group(1)) ? value : -1; // ... so check it did not overflow
    }
}
