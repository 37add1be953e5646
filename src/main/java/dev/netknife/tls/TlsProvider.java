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
    /**
     * BCJSSE's limit on one handshake message (a server's certificate chain is one): 32 KiB by
     * default, which real chains with many names or SCTs pass. nk takes up to 128 KiB, as OpenSSL
     * takes 100 KiB; the user's own -Djdk.tls.maxHandshakeMessageSize still wins.
     */
    static final String MAX_HANDSHAKE_MESSAGE = "jdk.tls.maxHandshakeMessageSize";
    static final int MAX_HANDSHAKE_MESSAGE_BYTES = 128 * 1024;

    private TlsProvider() {
    }

    private static final class Holder {
        static final Provider JSSE = create();

        private static Provider create() {
            BcLog.silence();
            if (System.getProperty(MAX_HANDSHAKE_MESSAGE) == null) {
                System.setProperty(MAX_HANDSHAKE_MESSAGE, Integer.toString(MAX_HANDSHAKE_MESSAGE_BYTES));
            }
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
