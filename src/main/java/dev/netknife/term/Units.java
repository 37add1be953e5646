package dev.netknife.term;

import java.util.Locale;

/** Human units for byte counts and rates. */
public final class Units {
    private Units() {
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 64.0 MiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Milliseconds with one decimal: {@code 0.3 ms}. */
    public static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
