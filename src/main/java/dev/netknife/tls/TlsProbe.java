package dev.netknife.tls;

import dev.netknife.NkException;
import dev.netknife.io.Conn;
import dev.netknife.io.Dialer;
import dev.netknife.io.Endpoint;
import dev.netknife.io.Timings;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** {@code nk tls-get}: connect, handshake, and report what was negotiated and presented, verified or not. */
public final class TlsProbe {

    /**
     * The outcome of one probe. {@code failure} is null after a good handshake; the chain is there
     * whenever the server sent one, so a failed verification still shows what was wrong.
     */
    public record Report(Endpoint target, String serverName, String protocol, String cipher, String alpn, boolean resumed,
            List<CertInfo> chain, List<X509Certificate> certificates, boolean verified, String verifyKind, String verifyProblem,
            Timings timings, NkException failure) {
    }

    private final Dialer dialer;
    private final TlsClient client;

    public TlsProbe(Dialer dialer, TlsClient client) {
        this.dialer = dialer;
        this.client = client;
    }

    /** Throws only when no TLS conversation happened at all (DNS, connect); TLS failures come back in the report. */
    public Report probe(Endpoint target) {
        long start = System.nanoTime();
        Conn raw = dialer.dial(target);
        Timings connected = raw.timings();
        String sni = client.config().serverName() != null ? client.config().serverName() : target.host();
        try {
            TlsClient.Session session = client.handshake(raw, target);
            TlsConn conn = session.conn();
            try {
                conn.closeWrite();
            } catch (java.io.IOException e) {
                // the report is complete; a failed goodbye changes nothing
            }
            conn.close();
            return new Report(target, session.serverName(), conn.protocol(), conn.cipherSuite(), conn.applicationProtocol(), false,
                    infos(session.chain()), session.chain(), session.verified(), session.verifyKind(), session.verifyProblem(),
                    conn.timings().withTotal(System.nanoTime() - start), null);
        } catch (TlsClient.Failure e) {
            return new Report(target, CertCheck.isIpLiteral(sni) ? null : sni, null, null, null, false, infos(e.chain()), e.chain(),
                    false, e.kind(), e.getMessage(), connected.withTotal(System.nanoTime() - start), e);
        }
    }

    private static List<CertInfo> infos(List<X509Certificate> chain) {
        long now = System.currentTimeMillis();
        List<CertInfo> infos = new ArrayList<>(chain.size());
        for (X509Certificate cert : chain) {
            infos.add(CertInfo.of(cert, now));
        }
        return infos;
    }
}
