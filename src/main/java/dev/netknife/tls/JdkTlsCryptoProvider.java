package dev.netknife.tls;

import java.security.SecureRandom;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * Makes BCJSSE use {@link JdkTlsCrypto}: the JDK's providers, in their order, except X25519 and ECDSA
 * ({@link FastEc}).
 */
final class JdkTlsCryptoProvider extends JcaTlsCryptoProvider {
    private final java.security.Provider fastEc = new FastEc.EcProvider();

    @Override
    public JcaTlsCrypto create(SecureRandom keyRandom, SecureRandom nonceRandom) {
        return new JdkTlsCrypto(new FastEc.Helper(fastEc), getAltHelper(), keyRandom, nonceRandom, false);
    }

    /** The crypto of a {@link TicketResumingClient}. */
    JdkTlsCrypto createResuming() {
        return new JdkTlsCrypto(new FastEc.Helper(fastEc), getAltHelper(), new SecureRandom(), new SecureRandom(), true);
    }
}
