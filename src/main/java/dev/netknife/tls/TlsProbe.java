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
            List<CertInfo> chain, List<X509Certificate> certificates, List<X509Certificate> path, boolean verified, String verifyKind,
            String verifyProblem, StapledOcsp ocsp, Timings timings, NkException failure, Repeat repeat, String startTls) {

        /** Whether {@code cert} counts: on the path that validated, or anything sent when no path did. */
        public boolean onPath(X509Certificate cert) {
            return path == null || path.contains(cert);
        }
    }

    /** {@code --repeat N}: N more handshakes on the same client context, so sessions may resume. */
    public record Repeat(int handshakes, long nanos, int resumed) {
        public double perSecond() {
            return nanos <= 0 ? 0 : handshakes * 1e9 / nanos;
        }
    }

    private final Dialer dialer;
    private final TlsClient client;
    private final StartTls startTls;

    public TlsProbe(Dialer dialer, TlsClient client) {
        this(dialer, client, null);
    }

    /** {@code startTls}: the plaintext part before each handshake; null for none. */
    public TlsProbe(Dialer dialer, TlsClient client, StartTls startTls) {
        this.dialer = dialer;
        this.client = client;
        this.startTls = startTls;
    }

    private TlsClient.Session handshake(Conn raw, Endpoint target) {
        return client.handshake(raw, target, client.config().handshakeTimeoutMillis(), startTls);
    }

    /** Throws only when no TLS conversation happened at all (DNS, connect); TLS failures come back in the report. */
    public Report probe(Endpoint target) {
        return probe(target, 0);
    }

    /** As {@link #probe(Endpoint)}, then {@code repeat} more handshakes (timed, resumption counted) when the first one worked. */
    public Report probe(Endpoint target, int repeat) {
        Report first = once(target);
        if (repeat <= 0 || first.failure() != null) {
            return first;
        }
        int resumed = 0;
        long start = System.nanoTime();
        for (int i = 0; i < repeat; i++) {
            TlsClient.Session session = handshake(dialer.dial(target), target);
            if (session.resumed()) {
                resumed++;
            }
            goodbye(session.conn());
        }
        Repeat stats = new Repeat(repeat, System.nanoTime() - start, resumed);
        return new Report(first.target(), first.serverName(), first.protocol(), first.cipher(), first.alpn(), first.resumed(),
                first.chain(), first.certificates(), first.path(), first.verified(), first.verifyKind(), first.verifyProblem(), first.ocsp(),
                first.timings(), null, stats, first.startTls());
    }

    /**
     * Whether the server resumes TLS 1.2 sessions (by ticket or session id): three handshakes of BCJSSE's
     * own, limited to TLS 1.2 (BCJSSE does not resume TLS 1.3 sessions); null when they fail.
     */
    public static Boolean resumesTls12(Endpoint target, Dialer dialer, TlsClient client, StartTls startTls) {
        TlsClient.Config c = client.config();
        TlsClient tls12 = new TlsClient(new TlsClient.Config(c.serverName(), java.util.List.of(), c.caCert(), true, "1.2", "1.2", null, null,
                c.handshakeTimeoutMillis(), TlsOffer.DEFAULTS, warning -> { }, null, false));
        try {
            TlsProbe.Report again = new TlsProbe(dialer, tls12, startTls).probe(target, 2);
            return again.failure() != null || again.repeat() == null ? null : again.repeat().resumed() > 0;
        } catch (NkException e) {
            return null;
        }
    }

    private static void goodbye(TlsConn conn) {
        try {
            conn.closeWrite();
        } catch (java.io.IOException e) {
            // the handshake is what was measured; a failed goodbye changes nothing
        }
        conn.close();
    }

    private Report once(Endpoint target) {
        long start = System.nanoTime();
        Conn raw = dialer.dial(target);
        Timings connected = raw.timings();
        String sni = client.config().serverName() != null ? client.config().serverName() : target.host();
        try {
            TlsClient.Session session = handshake(raw, target);
            TlsConn conn = session.conn();
            goodbye(conn);
            return new Report(target, session.serverName(), conn.protocol(), conn.cipherSuite(), conn.applicationProtocol(),
                    session.resumed(), infos(session.chain()), session.chain(), session.path(), session.verified(), session.verifyKind(),
                    session.verifyProblem(), session.ocsp(), conn.timings().withTotal(System.nanoTime() - start), null, null,
                    startTlsName());
        } catch (TlsClient.Failure e) {
            return new Report(target, CertCheck.isIpLiteral(sni) ? null : sni, e.protocol(), e.cipher(), null, false, infos(e.chain()), e.chain(),
                    null, false, e.kind(), e.getMessage(), StapledOcsp.NONE, connected.withTotal(System.nanoTime() - start), e, null,
                    startTlsName());
        }
    }

    private String startTlsName() {
        return startTls == null ? null : startTls.protocol().scheme();
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
