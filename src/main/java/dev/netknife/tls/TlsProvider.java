package dev.netknife.tls;

import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/**
 * The one BCJSSE provider of the process, made on first use (TLS classes load only for TLS work).
 * Its crypto goes through the JDK's providers, so AES-GCM runs on the JDK's intrinsics; BC's own
 * JCE provider is never put first (it would make AES-GCM several times slower). {@link RsaPssSignatures}
 * goes last, for TLS 1.3 with RSA keys.
 */
final class TlsProvider {
    private TlsProvider() {
    }

    private static final class Holder {
        static final Provider JSSE = create();

        private static Provider create() {
            BcLog.silence();
            if (Security.getProvider(RsaPssSignatures.NAME) == null) {
                Security.addProvider(new RsaPssSignatures()); // last: it adds names, it replaces nothing
            }
            return new BouncyCastleJsseProvider(false, new JdkTlsCryptoProvider());
        }
    }

    static Provider jsse() {
        return Holder.JSSE;
    }
}
