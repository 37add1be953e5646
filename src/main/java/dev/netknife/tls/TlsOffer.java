package dev.netknife.tls;

import dev.netknife.NkException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a client offers beyond the defaults: cipher suites and key exchange groups, as
 * {@code --ciphers} and {@code --groups} take them. Suites are IANA names
 * (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256) or the OpenSSL names s_client
 * users type (ECDHE-RSA-AES128-GCM-SHA256); groups are X25519, P-256 and so on, also under their
 * OpenSSL and SEC names. Empty lists: the defaults.
 */
public record TlsOffer(List<String> cipherSuites, List<String> groups) {

    public static final TlsOffer DEFAULTS = new TlsOffer(List.of(), List.of());

    private static final Map<String, String> OPENSSL_SUITES = Map.ofEntries(
            Map.entry("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-ECDSA-AES128-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
            Map.entry("ECDHE-RSA-AES128-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("ECDHE-RSA-AES256-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
            Map.entry("ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
            Map.entry("ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
            Map.entry("ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry("DHE-RSA-AES128-GCM-SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("DHE-RSA-AES256-GCM-SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("DHE-RSA-CHACHA20-POLY1305", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"));

    private static final Map<String, String> GROUPS = Map.ofEntries(
            Map.entry("x25519", "x25519"), Map.entry("x448", "x448"),
            Map.entry("p-256", "secp256r1"), Map.entry("prime256v1", "secp256r1"), Map.entry("secp256r1", "secp256r1"),
            Map.entry("p-384", "secp384r1"), Map.entry("secp384r1", "secp384r1"),
            Map.entry("p-521", "secp521r1"), Map.entry("secp521r1", "secp521r1"),
            Map.entry("ffdhe2048", "ffdhe2048"), Map.entry("ffdhe3072", "ffdhe3072"), Map.entry("ffdhe4096", "ffdhe4096"),
            Map.entry("ffdhe6144", "ffdhe6144"), Map.entry("ffdhe8192", "ffdhe8192"),
            Map.entry("x25519mlkem768", "X25519MLKEM768"), Map.entry("secp256r1mlkem768", "SecP256r1MLKEM768"),
            Map.entry("secp384r1mlkem1024", "SecP384r1MLKEM1024"));

    /** The offer from --ciphers and --groups (null or empty: the defaults); a name nk does not know is a usage error. */
    public static TlsOffer parse(String ciphers, String groups) {
        return new TlsOffer(names(ciphers, "--ciphers", TlsOffer::suite), names(groups, "--groups", TlsOffer::group));
    }

    private static List<String> names(String list, String option, java.util.function.Function<String, String> name) {
        List<String> out = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String item : list.split("[:,]")) {
            String trimmed = item.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String mapped = name.apply(trimmed);
            if (mapped == null) {
                throw NkException.usage(option + ": unknown name '" + trimmed + "'" + (option.equals("--ciphers")
                        ? " (IANA names such as TLS_AES_128_GCM_SHA256 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, or OpenSSL names such as "
                                + "ECDHE-RSA-AES128-GCM-SHA256; no OpenSSL cipher strings like HIGH:!aNULL)"
                        : " (X25519, X448, P-256, P-384, P-521, ffdhe2048 ... ffdhe8192, X25519MLKEM768)"));
            }
            out.add(mapped);
        }
        return List.copyOf(out);
    }

    private static String suite(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.startsWith("TLS_") || upper.startsWith("SSL_")) {
            return upper;
        }
        return OPENSSL_SUITES.get(upper);
    }

    private static String group(String name) {
        return GROUPS.get(name.toLowerCase(Locale.ROOT));
    }
}
