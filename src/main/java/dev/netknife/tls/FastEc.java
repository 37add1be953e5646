package dev.netknife.tls;

import java.security.AlgorithmParameterGenerator;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CertStoreParameters;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.ExemptionMechanism;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKeyFactory;
import org.bouncycastle.jcajce.util.JcaJceHelper;
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

    /** Routes ECDSA to {@link EcProvider}, the rest to {@code jdk}. */
    static final class Helper implements JcaJceHelper {
        private final JcaJceHelper jdk;
        private final Provider fast;

        Helper(JcaJceHelper jdk, Provider fast) {
            this.jdk = jdk;
            this.fast = fast;
        }

        @Override
        public Signature createSignature(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return algorithm.toUpperCase(Locale.ROOT).endsWith("WITHECDSA") && fast.getService("Signature", algorithm) != null
                    ? Signature.getInstance(algorithm, fast) : jdk.createSignature(algorithm);
        }

        @Override
        public KeyAgreement createKeyAgreement(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createKeyAgreement(algorithm);
        }

        @Override
        public KeyPairGenerator createKeyPairGenerator(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createKeyPairGenerator(algorithm);
        }

        @Override
        public KeyFactory createKeyFactory(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createKeyFactory(algorithm);
        }

        @Override
        public Cipher createCipher(String algorithm) throws NoSuchAlgorithmException, NoSuchPaddingException, NoSuchProviderException {
            return jdk.createCipher(algorithm);
        }

        @Override
        public Mac createMac(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createMac(algorithm);
        }

        @Override
        public AlgorithmParameterGenerator createAlgorithmParameterGenerator(String algorithm)
                throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createAlgorithmParameterGenerator(algorithm);
        }

        @Override
        public AlgorithmParameters createAlgorithmParameters(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createAlgorithmParameters(algorithm);
        }

        @Override
        public KeyGenerator createKeyGenerator(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createKeyGenerator(algorithm);
        }

        @Override
        public SecretKeyFactory createSecretKeyFactory(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createSecretKeyFactory(algorithm);
        }

        @Override
        @SuppressWarnings("deprecation")
        public MessageDigest createDigest(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createDigest(algorithm);
        }

        @Override
        public MessageDigest createMessageDigest(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createMessageDigest(algorithm);
        }

        @Override
        public CertificateFactory createCertificateFactory(String algorithm) throws NoSuchProviderException, CertificateException {
            return jdk.createCertificateFactory(algorithm);
        }

        @Override
        public SecureRandom createSecureRandom(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createSecureRandom(algorithm);
        }

        @Override
        public CertPathBuilder createCertPathBuilder(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createCertPathBuilder(algorithm);
        }

        @Override
        public CertPathValidator createCertPathValidator(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createCertPathValidator(algorithm);
        }

        @Override
        public CertStore createCertStore(String type, CertStoreParameters parameters)
                throws NoSuchAlgorithmException, java.security.InvalidAlgorithmParameterException, NoSuchProviderException {
            return jdk.createCertStore(type, parameters);
        }

        @Override
        public ExemptionMechanism createExemptionMechanism(String algorithm) throws NoSuchAlgorithmException, NoSuchProviderException {
            return jdk.createExemptionMechanism(algorithm);
        }

        @Override
        public KeyStore createKeyStore(String type) throws KeyStoreException, NoSuchProviderException {
            return jdk.createKeyStore(type);
        }
    }
}
