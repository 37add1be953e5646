package dev.netknife.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.tls.crypto.TlsCryptoUtils;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.AbstractTlsSecret;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JceTlsSecret;

/**
 * The secrets of TLS 1.3 session resumption (RFC 8446 4.6.1, 7.1) that Bouncy Castle's client leaves
 * out. It offers pre-shared keys only as external ones, whose binder key is derived with the label
 * "ext binder"; a ticket's PSK needs "res binder", or the server rejects the binder. A {@link Psk} made
 * here marks itself, and the early secret extracted from it (by a {@link Salt}, what a resuming client's
 * crypto answers to hkdfInit) derives the binder key with the right label. The rest of the key schedule
 * is Bouncy Castle's, unchanged.
 */
final class ResumptionSecrets {
    private static final byte[] EXTERNAL_BINDER = "tls13 ext binder".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESUMPTION_BINDER = "tls13 res binder".getBytes(StandardCharsets.US_ASCII);

    private ResumptionSecrets() {
    }

    /** resumption_master_secret = Derive-Secret(master secret, "res master", ClientHello..client Finished). */
    static TlsSecret resumptionMasterSecret(TlsSecret masterSecret, int cryptoHashAlgorithm, byte[] transcriptHash) throws IOException {
        return TlsCryptoUtils.hkdfExpandLabel(masterSecret, cryptoHashAlgorithm, "res master", transcriptHash, transcriptHash.length);
    }

    /** A ticket's PSK: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length), as bytes. */
    static byte[] ticketPsk(TlsSecret resumptionMasterSecret, int cryptoHashAlgorithm, byte[] ticketNonce, int hashLength) throws IOException {
        return TlsCryptoUtils.hkdfExpandLabel(resumptionMasterSecret, cryptoHashAlgorithm, "resumption", ticketNonce, hashLength).extract();
    }

    /** A ticket's PSK, offered in a ClientHello: made anew for every offer (extracting from it uses it up). */
    static final class Psk extends JceTlsSecret {
        Psk(JcaTlsCrypto crypto, byte[] psk) {
            super(crypto, psk.clone());
        }
    }

    /** The all-zero salt that starts a TLS 1.3 key schedule; an early secret extracted with a {@link Psk} binds as resumption. */
    static final class Salt extends JceTlsSecret {
        private Salt(JcaTlsCrypto crypto, byte[] data) {
            super(crypto, data);
        }

        static TlsSecret of(JcaTlsCrypto crypto, TlsSecret salt) {
            if (!(salt instanceof AbstractTlsSecret secret)) {
                return salt;
            }
            byte[] data = copyData(secret);
            salt.destroy();
            return new Salt(crypto, data);
        }

        @Override
        public synchronized TlsSecret hkdfExtract(int cryptoHashAlgorithm, TlsSecret ikm) {
            boolean resumption = ikm instanceof Psk;
            TlsSecret extracted = super.hkdfExtract(cryptoHashAlgorithm, ikm);
            if (!resumption || !(extracted instanceof AbstractTlsSecret secret)) {
                return KeyLogSecret.plant(crypto, extracted); // a full handshake's key schedule, for a key log
            }
            byte[] data = copyData(secret);
            extracted.destroy();
            return new EarlySecret(crypto, data);
        }
    }

    /** The early secret of a resumption: its binder key is the "res binder" one. */
    private static final class EarlySecret extends JceTlsSecret {
        EarlySecret(JcaTlsCrypto crypto, byte[] data) {
            super(crypto, data);
        }

        /** What derives from it is planted for a key log (the binder key is relabelled first). */
        @Override
        public synchronized TlsSecret hkdfExpand(int cryptoHashAlgorithm, byte[] info, int length) {
            return KeyLogSecret.plant(crypto, super.hkdfExpand(cryptoHashAlgorithm, relabel(info), length));
        }
    }

    /** An HkdfLabel (uint16 length, opaque8 label, opaque8 context) with "tls13 ext binder" made "tls13 res binder"; others as they are. */
    static byte[] relabel(byte[] info) {
        if (info.length < 3 + EXTERNAL_BINDER.length || (info[2] & 0xff) != EXTERNAL_BINDER.length
                || !java.util.Arrays.equals(info, 3, 3 + EXTERNAL_BINDER.length, EXTERNAL_BINDER, 0, EXTERNAL_BINDER.length)) {
            return info;
        }
        byte[] relabelled = info.clone();
        System.arraycopy(RESUMPTION_BINDER, 0, relabelled, 3, RESUMPTION_BINDER.length);
        return relabelled;
    }
}
