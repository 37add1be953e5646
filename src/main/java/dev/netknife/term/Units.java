package dev.netknife.term;

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
        return oneDecimal(v) + " " + units[u];
    }

    /** Milliseconds with one decimal: {@code 0.3 ms}. */
    public static String millis(long nanos) {
        return oneDecimal(nanos / 1e6) + " ms";
    }

    /**
     * {@code v} rounded to one decimal ({@code 12.3}), as {@code %.1f} would print it in the root locale.
     * Written out because java.util.Formatter's first use looks up locale data, which scans every jar on
     * the class path (~6 ms of a one-shot command's start).
     */
    public static String oneDecimal(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        long tenths = Math.round(Math.abs(v) * 10);
        return (v < 0 && tenths != 0 ? "-" : "") + tenths / 10 + "." + tenths % 10;
    }
}
