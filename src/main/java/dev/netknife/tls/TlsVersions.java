package dev.netknife.tls;

import dev.netknife.NkException;
import java.util.ArrayList;
import java.util.List;

/** {@code --tls-min}/{@code --tls-max}: {@code 1.2}, {@code 1.3} (or {@code TLSv1.2} ...) into JSSE protocol names. */
public final class TlsVersions {
    private static final List<String> ALL = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private TlsVersions() {
    }

    /** The protocols from {@code min} to {@code max}; nulls mean 1.2 and 1.3. */
    public static String[] between(String min, String max) {
        int from = index(min == null ? "1.2" : min, "--tls-min");
        int to = index(max == null ? "1.3" : max, "--tls-max");
        if (from > to) {
            throw NkException.usage(min == null
                    ? "--tls-max " + max + " is below the default minimum, TLS 1.2; give --tls-min too (older versions are insecure)"
                    : "--tls-min " + min + " is above --tls-max " + (max == null ? "(default 1.3)" : max));
        }
        List<String> chosen = new ArrayList<>(ALL.subList(from, to + 1));
        return chosen.toArray(String[]::new);
    }

    private static int index(String version, String option) {
        String v = version.startsWith("TLSv") ? version : "TLSv" + version;
        if (v.equals("TLSv1.0")) {
            v = "TLSv1";
        }
        int i = ALL.indexOf(v);
        if (i < 0) {
            throw NkException.usage(option + ": unknown TLS version '" + version + "': expected 1.0, 1.1, 1.2 or 1.3");
        }
        return i;
    }
}
