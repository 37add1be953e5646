package dev.netknife.tls.scan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A TLS cipher suite as the IANA registry names it, with OpenSSL's name where OpenSSL has one, and
 * what a scan says about it. The table ({@code cipher-suites.tsv}) holds every suite BouncyCastle
 * and OpenSSL know, implemented here or not: a scan offers suites by their code and needs no
 * implementation of them.
 */
public record CipherSuite(int code, String iana, String openssl) {

    /** The TLS 1.3 suites (RFC 8446, 8998, 9150): no key exchange or authentication in the name. */
    public boolean tls13() {
        return !iana.contains("_WITH_");
    }

    /** The name sslscan and openssl show, else the IANA name. */
    public String shortName() {
        return openssl != null ? openssl : iana;
    }

    /** The key exchange: ECDHE, DHE, RSA, PSK ..., or "any" for TLS 1.3. */
    public String keyExchange() {
        if (tls13()) {
            return "any";
        }
        String kx = iana.substring(4, iana.indexOf("_WITH_"));
        return kx.replace("_EXPORT1024", "").replace("_EXPORT", "");
    }

    /** Forward secrecy: an ephemeral key exchange (and every TLS 1.3 suite). */
    public boolean forwardSecret() {
        String kx = keyExchange();
        return tls13() || kx.startsWith("ECDHE") || kx.startsWith("DHE") || kx.startsWith("ECCPWD");
    }

    /** Key bits of the bulk cipher as sslscan counts them (3DES: 112), 0 for NULL. */
    public int bits() {
        String n = iana;
        if (n.contains("_NULL_") || n.endsWith("_NULL") || n.startsWith("TLS_SHA")) {
            return 0;
        }
        if (n.contains("EXPORT") || n.contains("_40_") || n.contains("DES40")) {
            return 40;
        }
        if (n.contains("3DES")) {
            return 112;
        }
        if (n.contains("_DES_")) {
            return 56;
        }
        if (n.contains("_256") || n.contains("CHACHA20") || n.contains("KUZNYECHIK") || n.contains("_28147_") || n.contains("MAGMA")) {
            return 256;
        }
        return 128;
    }

    /** Why a scan flags this suite, or null: NULL, anonymous, export, RC4, DES, 3DES, MD5, IDEA, RC2. */
    public String weakness() {
        String n = iana;
        if (bits() == 0) {
            return "NULL encryption";
        }
        if (n.contains("_anon_")) {
            return "anonymous (no authentication)";
        }
        if (n.contains("EXPORT")) {
            return "export grade";
        }
        if (n.contains("_RC4_")) {
            return "RC4";
        }
        if (n.contains("3DES")) {
            return "3DES (64-bit blocks: Sweet32)";
        }
        if (n.contains("_DES_") || n.contains("DES40")) {
            return "DES";
        }
        if (n.contains("_RC2_")) {
            return "RC2";
        }
        if (n.contains("_IDEA_")) {
            return "IDEA (64-bit blocks)";
        }
        if (n.endsWith("_MD5")) {
            return "MD5";
        }
        return null;
    }

    /** CBC mode (a weakness with TLS 1.0 and SSLv3: BEAST, POODLE). */
    public boolean cbc() {
        return iana.contains("_CBC_");
    }

    /** Every suite of the table, in code order; loaded once per call, so hold on to the result. */
    public static Table table() {
        try (InputStream in = CipherSuite.class.getResourceAsStream("cipher-suites.tsv")) {
            if (in == null) {
                throw new IllegalStateException("cipher-suites.tsv is missing from the build");
            }
            List<CipherSuite> all = new ArrayList<>();
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                all.add(new CipherSuite(Integer.parseInt(f[0], 16), f[1], f[2].equals("-") ? null : f[2]));
            }
            return new Table(List.copyOf(all));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The suites and a lookup by code. */
    public static final class Table {
        private final List<CipherSuite> all;
        private final Map<Integer, CipherSuite> byCode = new HashMap<>();

        Table(List<CipherSuite> all) {
            this.all = all;
            for (CipherSuite suite : all) {
                byCode.put(suite.code(), suite);
            }
        }

        public List<CipherSuite> all() {
            return all;
        }

        /** The suite with this code; an unknown code gets a made-up name ({@code 0xC0FF}). */
        public CipherSuite byCode(int code) {
            CipherSuite suite = byCode.get(code);
            return suite != null ? suite : new CipherSuite(code, String.format("0x%04X", code), null);
        }

        public List<CipherSuite> tls13() {
            return all.stream().filter(CipherSuite::tls13).toList();
        }

        /** The suites of TLS 1.2 and before. */
        public List<CipherSuite> legacy() {
            return all.stream().filter(s -> !s.tls13()).toList();
        }
    }
}
