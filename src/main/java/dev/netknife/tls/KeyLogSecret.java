package dev.netknife.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.tls.crypto.TlsAgreement;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.AbstractTlsSecret;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JceTlsSecret;

/**
 * A secret of BouncyCastle's TLS key schedule that names the secrets derived from it for a key log.
 * BCJSSE hands out no secrets, so nk's crypto (JdkTlsCrypto) plants this at the roots of the key
 * schedule (the key exchange's shared secret, TLS 1.3's first HKDF secret) while a handshake that
 * keeps a key log runs; every secret derived from one of these is one too, and those with a key log
 * label (the TLS 1.2 master secret, TLS 1.3's traffic secrets) are written down.
 */
final class KeyLogSecret extends JceTlsSecret {

    /**
     * The key log of the handshake this thread is running, or null. BCJSSE derives its keys inside
     * SSLEngine.wrap and unwrap on the calling thread (it has no delegated tasks), and gives no other
     * way to reach the handshake from the crypto; TlsConn sets it around its handshake loop.
     */
    static final ThreadLocal<KeyLog.Handshake> CURRENT = new ThreadLocal<>();

    private final KeyLog.Handshake log;

    private KeyLogSecret(JcaTlsCrypto crypto, byte[] data, KeyLog.Handshake log) {
        super(crypto, data);
        this.log = log;
    }

    /** {@code secret} as one of these when this thread keeps a key log (the original is destroyed), else itself. */
    static TlsSecret plant(JcaTlsCrypto crypto, TlsSecret secret) {
        KeyLog.Handshake log = CURRENT.get();
        return log == null ? secret : adopt(crypto, secret, log);
    }

    private static TlsSecret adopt(JcaTlsCrypto crypto, TlsSecret secret, KeyLog.Handshake log) {
        if (secret instanceof KeyLogSecret || !(secret instanceof AbstractTlsSecret abstractSecret)) {
            return secret;
        }
        byte[] data = copyData(abstractSecret);
        secret.destroy();
        return new KeyLogSecret(crypto, data, log);
    }

    /** A key exchange whose shared secret is planted. */
    static TlsAgreement plant(JcaTlsCrypto crypto, TlsAgreement agreement) {
        KeyLog.Handshake log = CURRENT.get();
        if (log == null) {
            return agreement;
        }
        return new TlsAgreement() {
            @Override
            public byte[] generateEphemeral() throws IOException {
                return agreement.generateEphemeral();
            }

            @Override
            public void receivePeerValue(byte[] peerValue) throws IOException {
                agreement.receivePeerValue(peerValue);
            }

            @Override
            public TlsSecret calculateSecret() throws IOException {
                return adopt(crypto, agreement.calculateSecret(), log);
            }
        };
    }

    @Override
    public synchronized TlsSecret deriveUsingPRF(int prfAlgorithm, String label, byte[] seed, int length) {
        TlsSecret derived = adopt(crypto, super.deriveUsingPRF(prfAlgorithm, label, seed, length), log);
        if (label.equals("master secret") || label.equals("extended master secret")) {
            log.secret("CLIENT_RANDOM", copyData((AbstractTlsSecret) derived));
        }
        return derived;
    }

    @Override
    public synchronized TlsSecret hkdfExpand(int cryptoHashAlgorithm, byte[] info, int length) {
        TlsSecret derived = adopt(crypto, super.hkdfExpand(cryptoHashAlgorithm, info, length), log);
        String name = switch (label(info)) {
            case "c hs traffic" -> "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
            case "s hs traffic" -> "SERVER_HANDSHAKE_TRAFFIC_SECRET";
            case "c ap traffic" -> "CLIENT_TRAFFIC_SECRET_0";
            case "s ap traffic" -> "SERVER_TRAFFIC_SECRET_0";
            case "exp master" -> "EXPORTER_SECRET";
            default -> null;
        };
        if (name != null) {
            log.secret(name, copyData((AbstractTlsSecret) derived));
        }
        return derived;
    }

    @Override
    public synchronized TlsSecret hkdfExtract(int cryptoHashAlgorithm, TlsSecret ikm) {
        return adopt(crypto, super.hkdfExtract(cryptoHashAlgorithm, ikm), log);
    }

    /** The label of an HkdfLabel (RFC 8446 7.1): uint16 length, then "tls13 " + label as an 8-bit-length vector. */
    static String label(byte[] info) {
        if (info.length < 3) {
            return "";
        }
        int length = info[2] & 0xff;
        if (3 + length > info.length) {
            return "";
        }
        String label = new String(info, 3, length, StandardCharsets.US_ASCII);
        return label.startsWith("tls13 ") ? label.substring(6) : label;
    }
}
