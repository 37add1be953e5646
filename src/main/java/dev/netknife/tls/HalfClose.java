package dev.netknife.tls;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import javax.net.ssl.SSLEngine;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsProtocol;

/**
 * TLS half-close for BCJSSE. In bctls 1.84 {@code SSLEngine.closeOutbound()} closes both
 * directions (the record layer marks itself closed), so after it no reply can be read. TLS itself
 * allows a half-close: send close_notify and keep reading. BC's record layer can send just the
 * alert ({@code TlsProtocol.raiseAlertWarning}), but only from inside; this reaches it by
 * reflection (the jars are on the class path, so nothing is sealed). When that is not possible
 * (another BC version) {@link #sendCloseNotify} returns false and the caller closes fully.
 */
final class HalfClose {
    private static final Field PROTOCOL;
    private static final Method RAISE_WARNING;

    static {
        Field protocol = null;
        Method raise = null;
        try {
            protocol = Class.forName("org.bouncycastle.jsse.provider.ProvSSLEngine").getDeclaredField("protocol");
            protocol.setAccessible(true);
            raise = TlsProtocol.class.getDeclaredMethod("raiseAlertWarning", short.class, String.class);
            raise.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            protocol = null;
            raise = null;
        }
        PROTOCOL = protocol;
        RAISE_WARNING = raise;
    }

    private HalfClose() {
    }

    /** Queues a close_notify alert in the engine's output without closing its input; false if unsupported. */
    static boolean sendCloseNotify(SSLEngine engine) {
        if (PROTOCOL == null || !PROTOCOL.getDeclaringClass().isInstance(engine)) {
            return false;
        }
        try {
            Object protocol = PROTOCOL.get(engine);
            if (!(protocol instanceof TlsProtocol)) {
                return false;
            }
            synchronized (engine) { // ProvSSLEngine's own lock: wrap and unwrap hold it too
                RAISE_WARNING.invoke(protocol, AlertDescription.close_notify, "half-close");
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
