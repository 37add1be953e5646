package dev.netknife.tls;

import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * BCJSSE's crypto over the JDK's providers, answering "is this group or signature scheme supported?"
 * without trying what the JDK cannot do. BC finds out by creating each algorithm and catching the
 * failure: some 40 exceptions per TLS context (legacy and brainpool curves, SLH-DSA, SM2), which in
 * the native executable cost a few milliseconds of every handshake. The answers are the same.
 */
final class JdkTlsCrypto extends JcaTlsCrypto {
    /** The curves the JDK's SunEC makes keys on; JDK 16 removed the others (JDK-8251547). */
    private static final Set<String> SUN_EC_CURVES = Set.of("secp256r1", "secp384r1", "secp521r1");

    private final boolean onlySunEc = onlyProvider("KeyPairGenerator", "EC", "SunEC");
    private final SecureRandom nonceRandom;
    private final boolean resumingClient;

    /** {@code resumingClient}: for {@link TicketResumingClient}, whose key schedules may start from a ticket's PSK. */
    JdkTlsCrypto(JcaJceHelper helper, JcaJceHelper altHelper, SecureRandom keyRandom, SecureRandom nonceRandom, boolean resumingClient) {
        super(helper, altHelper, keyRandom, nonceRandom);
        this.nonceRandom = nonceRandom;
        this.resumingClient = resumingClient;
    }

    /**
     * Nonces (hello randoms, session ids) from the one nonce source of this crypto, a thread-safe SecureRandom
     * kept apart from the key source. BC's default builds a SHA-512 Hash_DRBG of its own for every connection:
     * some 1.2 KiB that every idle TLS connection would keep.
     */
    @Override
    public org.bouncycastle.tls.crypto.TlsNonceGenerator createNonceGenerator(byte[] additionalSeedMaterial) {
        if (nonceRandom == null) {
            return super.createNonceGenerator(additionalSeedMaterial);
        }
        return size -> {
            byte[] nonce = new byte[size];
            nonceRandom.nextBytes(nonce);
            return nonce;
        };
    }

    // The roots of the key schedule, planted with KeyLogSecret while a handshake keeps a key log (else as they are).

    @Override
    public org.bouncycastle.tls.crypto.TlsSecret hkdfInit(int cryptoHashAlgorithm) {
        if (resumingClient) {
            return ResumptionSecrets.Salt.of(this, super.hkdfInit(cryptoHashAlgorithm));
        }
        return KeyLogSecret.plant(this, super.hkdfInit(cryptoHashAlgorithm));
    }

    @Override
    public org.bouncycastle.tls.crypto.TlsSecret generateRSAPreMasterSecret(org.bouncycastle.tls.ProtocolVersion version) {
        return KeyLogSecret.plant(this, super.generateRSAPreMasterSecret(version));
    }

    @Override
    public org.bouncycastle.tls.crypto.TlsSecret createHybridSecret(org.bouncycastle.tls.crypto.TlsSecret first,
            org.bouncycastle.tls.crypto.TlsSecret second) {
        return KeyLogSecret.plant(this, super.createHybridSecret(first, second));
    }

    @Override
    public org.bouncycastle.tls.crypto.TlsECDomain createECDomain(org.bouncycastle.tls.crypto.TlsECConfig ecConfig) {
        org.bouncycastle.tls.crypto.TlsECDomain domain = ecConfig.getNamedGroup() == NamedGroup.x25519
                ? () -> new FastEc.X25519Agreement(this) : super.createECDomain(ecConfig);
        return () -> KeyLogSecret.plant(this, domain.createECDH());
    }

    @Override
    public org.bouncycastle.tls.crypto.TlsDHDomain createDHDomain(org.bouncycastle.tls.crypto.TlsDHConfig dhConfig) {
        org.bouncycastle.tls.crypto.TlsDHDomain domain = super.createDHDomain(dhConfig);
        return () -> KeyLogSecret.plant(this, domain.createDH());
    }

    @Override
    public org.bouncycastle.tls.crypto.TlsKemDomain createKemDomain(org.bouncycastle.tls.crypto.TlsKemConfig kemConfig) {
        org.bouncycastle.tls.crypto.TlsKemDomain domain = super.createKemDomain(kemConfig);
        return () -> KeyLogSecret.plant(this, domain.createKem());
    }

    @Override
    protected Boolean isSupportedNamedGroup(int namedGroup) {
        if (onlySunEc && !NamedGroup.refersToAnXDHCurve(namedGroup) && NamedGroup.refersToASpecificCurve(namedGroup)
                && !SUN_EC_CURVES.contains(NamedGroup.getCurveName(namedGroup))) {
            return Boolean.FALSE;
        }
        return super.isSupportedNamedGroup(namedGroup);
    }

    @Override
    protected Boolean isSupportedSignatureScheme(int signatureScheme) {
        String algorithm = SignatureScheme.isMLDSA(signatureScheme) ? "ML-DSA"
                : SignatureScheme.isSLHDSA(signatureScheme) ? "SLH-DSA"
                : signatureScheme == SignatureScheme.sm2sig_sm3 ? "SM3withSM2" : null;
        if (algorithm != null && !anyProvides("Signature", algorithm)) {
            return Boolean.FALSE;
        }
        return super.isSupportedSignatureScheme(signatureScheme);
    }

    private static boolean anyProvides(String type, String algorithm) {
        return !providersOf(type, algorithm).isEmpty();
    }

    private static boolean onlyProvider(String type, String algorithm, String name) {
        List<Provider> providers = providersOf(type, algorithm);
        return !providers.isEmpty() && providers.stream().allMatch(p -> p.getName().equals(name));
    }

    // Provider.getService is a map lookup; Security.getProviders(filter) would walk every entry of every provider.
    private static List<Provider> providersOf(String type, String algorithm) {
        List<Provider> providers = new ArrayList<>();
        for (Provider provider : Security.getProviders()) {
            if (provider.getService(type, algorithm) != null) {
                providers.add(provider);
            }
        }
        return providers;
    }
}
