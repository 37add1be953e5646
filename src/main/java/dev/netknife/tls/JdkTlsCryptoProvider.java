package dev.netknife.tls;

import java.security.SecureRandom;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/** Makes BCJSSE use {@link JdkTlsCrypto}; otherwise BC's default (the JDK's providers, in their order). */
final class JdkTlsCryptoProvider extends JcaTlsCryptoProvider {
    @Override
    public JcaTlsCrypto create(SecureRandom keyRandom, SecureRandom nonceRandom) {
        return new JdkTlsCrypto(getHelper(), getAltHelper(), keyRandom, nonceRandom);
    }
}
