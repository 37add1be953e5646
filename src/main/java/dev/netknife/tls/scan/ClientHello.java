package dev.netknife.tls.scan;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;

/**
 * A ClientHello written byte by byte, so a scan can offer any version (SSLv3 to TLS 1.3) and any
 * suite by its code, whatever this runtime implements or its security policy allows: a scan reads
 * only the server's answer (ServerHello and, before TLS 1.3, the plaintext messages that follow),
 * never finishes a handshake and so needs no cipher of its own.
 *
 * @param version the highest version offered: 0x0300 (SSLv3) ... 0x0303 (TLS 1.2), 0x0304 (TLS 1.3, in
 *     supported_versions, with an empty key_share so that the server answers with a HelloRetryRequest)
 * @param suites cipher suite codes, in our order of preference
 * @param groups supported_groups codes (empty: the extension is left out)
 * @param serverName SNI, or null
 * @param alpn protocols to offer (empty: none)
 * @param compression also offer DEFLATE (the server should refuse it: CRIME)
 */
public record ClientHello(int version, List<Integer> suites, List<Integer> groups, String serverName, List<String> alpn,
        boolean compression) {

    public static final int SSL3 = 0x0300;
    public static final int TLS10 = 0x0301;
    public static final int TLS11 = 0x0302;
    public static final int TLS12 = 0x0303;
    public static final int TLS13 = 0x0304;

    /** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746): asks for secure renegotiation in a way SSLv3 servers understand too. */
    private static final int RENEGOTIATION_SCSV = 0x00ff;

    /** Every signature scheme there is, so that a server with any certificate can answer. */
    private static final int[] SIGNATURE_SCHEMES = {0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a,
        0x080b, 0x0401, 0x0501, 0x0601, 0x081a, 0x081b, 0x081c, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602, 0x0203, 0x0201,
        0x0202};

    public static String versionName(int version) {
        return switch (version) {
            case 0x0002 -> "SSLv2";
            case SSL3 -> "SSLv3";
            case TLS10 -> "TLSv1.0";
            case TLS11 -> "TLSv1.1";
            case TLS12 -> "TLSv1.2";
            case TLS13 -> "TLSv1.3";
            default -> String.format("0x%04x", version);
        };
    }

    /** The whole TLS record carrying the hello. */
    public byte[] encode(SecureRandom random) {
        Writer body = new Writer();
        body.u16(Math.min(version, TLS12)); // legacy_version: TLS 1.3 goes in supported_versions
        body.bytes(randomBytes(random, 32));
        if (version == TLS13) {
            body.u8(32).bytes(randomBytes(random, 32)); // a session id, as middlebox-compatible clients send
        } else {
            body.u8(0);
        }
        Writer suiteList = new Writer();
        for (int suite : suites) {
            suiteList.u16(suite);
        }
        if (version < TLS13) {
            suiteList.u16(RENEGOTIATION_SCSV);
        }
        body.u16(suiteList.size()).bytes(suiteList.toBytes());
        if (compression) {
            body.u8(2).u8(1).u8(0);
        } else {
            body.u8(1).u8(0);
        }
        if (version > SSL3) {
            byte[] extensions = extensions();
            int unpadded = 4 + body.size() + 2 + extensions.length;
            if (unpadded >= 256 && unpadded < 512) { // some servers drop hellos of this size (RFC 7685)
                Writer padded = new Writer().bytes(extensions).u16(21);
                int pad = Math.max(1, 512 - unpadded - 4);
                padded.u16(pad).bytes(new byte[pad]);
                extensions = padded.toBytes();
            }
            body.u16(extensions.length).bytes(extensions);
        }
        Writer handshake = new Writer().u8(1).u24(body.size()).bytes(body.toBytes());
        return new Writer().u8(22).u16(version == SSL3 ? SSL3 : TLS10).u16(handshake.size()).bytes(handshake.toBytes()).toBytes();
    }

    private byte[] extensions() {
        Writer ext = new Writer();
        if (serverName != null) {
            byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
            Writer list = new Writer().u8(0).u16(name.length).bytes(name);
            extension(ext, 0, new Writer().u16(list.size()).bytes(list.toBytes()));
        }
        if (!groups.isEmpty()) {
            Writer list = new Writer();
            groups.forEach(list::u16);
            extension(ext, 10, new Writer().u16(list.size()).bytes(list.toBytes()));
            extension(ext, 11, new Writer().u8(1).u8(0)); // ec_point_formats: uncompressed
        }
        if (version >= TLS12) {
            Writer list = new Writer();
            for (int scheme : SIGNATURE_SCHEMES) {
                list.u16(scheme);
            }
            extension(ext, 13, new Writer().u16(list.size()).bytes(list.toBytes()));
        }
        extension(ext, 5, new Writer().u8(1).u16(0).u16(0)); // status_request: OCSP
        if (!alpn.isEmpty()) {
            Writer list = new Writer();
            for (String protocol : alpn) {
                byte[] p = protocol.getBytes(StandardCharsets.US_ASCII);
                list.u8(p.length).bytes(p);
            }
            extension(ext, 16, new Writer().u16(list.size()).bytes(list.toBytes()));
        }
        extension(ext, 23, new Writer()); // extended_master_secret
        extension(ext, 35, new Writer()); // session_ticket: tell us whether you would issue one
        if (version == TLS13) {
            extension(ext, 43, new Writer().u8(2).u16(TLS13)); // supported_versions
            extension(ext, 45, new Writer().u8(1).u8(1)); // psk_key_exchange_modes: psk_dhe_ke
            extension(ext, 51, new Writer().u16(0)); // key_share: none, so the server names its group in a HelloRetryRequest
        }
        return ext.toBytes();
    }

    private static void extension(Writer out, int type, Writer data) {
        out.u16(type).u16(data.size()).bytes(data.toBytes());
    }

    private static byte[] randomBytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** An SSLv2 CLIENT-HELLO with the SSLv2 cipher kinds: only to learn whether a server still speaks SSLv2. */
    public static byte[] sslv2(SecureRandom random) {
        int[] kinds = {0x010080, 0x020080, 0x030080, 0x040080, 0x050080, 0x060040, 0x0700c0};
        Writer body = new Writer().u8(1).u16(0x0002).u16(kinds.length * 3).u16(0).u16(16);
        for (int kind : kinds) {
            body.u8(kind >> 16).u16(kind & 0xffff);
        }
        body.bytes(randomBytes(random, 16));
        return new Writer().u16(0x8000 | body.size()).bytes(body.toBytes()).toBytes();
    }

    /** Big-endian writing of TLS's integer and vector fields. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer u8(int v) {
            out.write(v);
            return this;
        }

        Writer u16(int v) {
            out.write(v >> 8);
            out.write(v);
            return this;
        }

        Writer u24(int v) {
            out.write(v >> 16);
            return u16(v & 0xffff);
        }

        Writer bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }
}
