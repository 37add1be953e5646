package dev.netknife.tls.scan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The key exchange groups a scan asks about (IANA TLS Supported Groups), with the names OpenSSL and sslscan use. */
public final class Groups {
    private Groups() {
    }

    private static final Map<Integer, String> NAMES = new LinkedHashMap<>();

    static {
        String[] names = {"0x001d x25519", "0x0017 secp256r1", "0x0018 secp384r1", "0x0019 secp521r1", "0x001e x448",
            "0x11ec X25519MLKEM768", "0x11eb SecP256r1MLKEM768", "0x11ed SecP384r1MLKEM1024", "0x0200 MLKEM512", "0x0201 MLKEM768",
            "0x0202 MLKEM1024", "0x0100 ffdhe2048", "0x0101 ffdhe3072", "0x0102 ffdhe4096", "0x0103 ffdhe6144", "0x0104 ffdhe8192",
            "0x001a brainpoolP256r1", "0x001b brainpoolP384r1", "0x001c brainpoolP512r1", "0x001f brainpoolP256r1tls13",
            "0x0020 brainpoolP384r1tls13", "0x0021 brainpoolP512r1tls13", "0x0016 secp256k1", "0x0015 secp224r1", "0x0014 secp192r1",
            "0x0013 secp192k1", "0x0012 secp160r2", "0x0011 secp160r1", "0x0010 secp160k1", "0x0001 sect163k1", "0x0002 sect163r1",
            "0x0003 sect163r2", "0x0004 sect193r1", "0x0005 sect193r2", "0x0006 sect233k1", "0x0007 sect233r1", "0x0008 sect239k1",
            "0x0009 sect283k1", "0x000a sect283r1", "0x000b sect409k1", "0x000c sect409r1", "0x000d sect571k1", "0x000e sect571r1",
            "0x000f secp160k1"};
        for (String entry : names) {
            String[] parts = entry.split(" ");
            NAMES.putIfAbsent(Integer.decode(parts[0]), parts[1]);
        }
    }

    /** Every group a TLS 1.3 server may choose (no binary or small curves: RFC 8446 removed them). */
    public static List<Integer> tls13() {
        return NAMES.keySet().stream().filter(g -> g >= 0x0017 && g != 0x001a && g != 0x001b && g != 0x001c).toList();
    }

    /** Every group of TLS 1.2's ECDHE (named curves); ffdhe and the post-quantum groups are TLS 1.3's. */
    public static List<Integer> ecdhe() {
        return NAMES.keySet().stream().filter(g -> g < 0x0100 && g != 0x001f && g != 0x0020 && g != 0x0021).toList();
    }

    /** The group of an EC public key on a NIST curve (by field size), or -1. */
    public static int ofKey(java.security.PublicKey key) {
        if (key instanceof java.security.interfaces.ECPublicKey ec) {
            return switch (ec.getParams().getCurve().getField().getFieldSize()) {
                case 256 -> 0x0017;
                case 384 -> 0x0018;
                case 521 -> 0x0019;
                default -> -1;
            };
        }
        return -1;
    }

    public static String name(int group) {
        String name = NAMES.get(group);
        return name != null ? name : String.format("0x%04x", group);
    }

    /** Curves under 224 bits, binary curves' small sizes, and ffdhe under 2048 bits are weak. */
    public static boolean weak(int group) {
        return group >= 0x0001 && group <= 0x0014 && group != 0x000b && group != 0x000c && group != 0x000d && group != 0x000e
                && group != 0x0009 && group != 0x000a;
    }
}
