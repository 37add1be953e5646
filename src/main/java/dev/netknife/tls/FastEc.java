package dev.netknife.tls;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;
import java.util.Locale;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * X25519 and ECDSA from Bouncy Castle's own implementations, everything else (AES-GCM, SHA-2, RSA, certificates)
 * from the JDK. The JDK's pure-Java P-256 and Curve25519 arithmetic (without the AVX-512 intrinsic most CPUs
 * lack) made ECDSA verification ~5x and X25519 ~2x slower than Bouncy Castle's, and these are most of a TLS
 * handshake's work; the JDK keeps AES-GCM, where its AES-NI intrinsics win. ECDSA goes through a provider of
 * Bouncy Castle's signature classes (java.security.Signature, which a native image can use with a provider
 * made at run time); X25519 bypasses JCE altogether ({@link X25519Agreement}): a JCE KeyAgreement from a
 * provider the native image did not verify at build time is refused.
 */
final class FastEc {
    private FastEc() {
    }

    /**
     * Bouncy Castle's ECDSA signature classes as services, made directly (no reflection, so the native image
     * needs no metadata for them) and without Bouncy Castle's provider-wide set-up.
     */
    static final class EcProvider extends Provider {
        private static final long serialVersionUID = 1L;

        EcProvider() {
            super("nk-ec", "1", "Bouncy Castle's ECDSA for nk's TLS");
            service("NONEwithECDSA", org.bouncycastle.jcajce.provider.asymmetric.ec.SignatureSpi.ecDSAnone::new);
            service("SHA256withECDSA", org.bouncycastle.jcajce.provider.asymmetric.ec.SignatureSpi.ecDSA256::new);
            service("SHA384withECDSA", org.bouncycastle.jcajce.provider.asymmetric.ec.SignatureSpi.ecDSA384::new);
            service("SHA512withECDSA", org.bouncycastle.jcajce.provider.asymmetric.ec.SignatureSpi.ecDSA512::new);
        }

        private void service(String algorithm, java.util.function.Supplier<java.security.SignatureSpi> make) {
            putService(new Service(this, "Signature", algorithm, "nk-ec." + algorithm, null, null) {
                @Override
                public Object newInstance(Object constructorParameter) {
                    return make.get();
                }
            });
        }
    }

    /** X25519 (RFC 7748) with Bouncy Castle's arithmetic, as BC's own BcX25519 does it. */
    static final class X25519Agreement implements org.bouncycastle.tls.crypto.TlsAgreement {
        private final JcaTlsCrypto crypto;
        private final byte[] privateKey = new byte[org.bouncycastle.math.ec.rfc7748.X25519.SCALAR_SIZE];
        private byte[] peerValue;

        X25519Agreement(JcaTlsCrypto crypto) {
            this.crypto = crypto;
        }

        @Override
        public byte[] generateEphemeral() {
            org.bouncycastle.math.ec.rfc7748.X25519.generatePrivateKey(crypto.getSecureRandom(), privateKey);
            byte[] publicKey = new byte[org.bouncycastle.math.ec.rfc7748.X25519.POINT_SIZE];
            org.bouncycastle.math.ec.rfc7748.X25519.generatePublicKey(privateKey, 0, publicKey, 0);
            return publicKey;
        }

        @Override
        public void receivePeerValue(byte[] peerValue) throws java.io.IOException {
            if (peerValue.length != org.bouncycastle.math.ec.rfc7748.X25519.POINT_SIZE) {
                throw new org.bouncycastle.tls.TlsFatalAlert(org.bouncycastle.tls.AlertDescription.illegal_parameter);
            }
            this.peerValue = peerValue.clone();
        }

        @Override
        public org.bouncycastle.tls.crypto.TlsSecret calculateSecret() throws java.io.IOException {
            byte[] shared = new byte[org.bouncycastle.math.ec.rfc7748.X25519.POINT_SIZE];
            if (!org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(privateKey, 0, peerValue, 0, shared, 0)) {
                throw new org.bouncycastle.tls.TlsFatalAlert(org.bouncycastle.tls.AlertDescription.handshake_failure); // all-zero: a low-order point
            }
            java.util.Arrays.fill(privateKey, (byte) 0);
            try {
                return crypto.createSecret(shared);
            } finally {
                java.util.Arrays.fill(shared, (byte) 0);
            }
        }
    }

    /** ECDSA from {@link EcProvider}; everything else as Bouncy Castle's default helper has it (the JDK's providers, in order). */
    static final class Helper extends DefaultJcaJceHelper {
        private final Provider fast;

        Helper(Provider fast) {
            this.fast = fast;
        }

        @Override
        public Signature createSignature(String algorithm) throws NoSuchAlgorithmException {
            return algorithm.toUpperCase(Locale.ROOT).endsWith("WITHECDSA") && fast.getService("Signature", algorithm) != null
                    ? Signature.getInstance(algorithm, fast) : super.createSignature(algorithm);
        }
    }
}
