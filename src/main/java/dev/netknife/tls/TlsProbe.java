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

    /**
     * {@code --repeat N}: N more handshakes on the same client context, so sessions may resume; {@code note}
     * says why none did, when nk knows (else null).
     */
    public record Repeat(int handshakes, long nanos, int resumed, String note) {
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
        return probe(target, 0, true);
    }

    /** As {@link #probe(Endpoint)}, then {@code repeat} more handshakes (timed, resumption counted) when the first one worked. */
    public Report probe(Endpoint target, int repeat) {
        return probe(target, repeat, true);
    }

    /** As above; without {@code resume}, every handshake is a full one (openssl s_time -new). */
    public Report probe(Endpoint target, int repeat, boolean resume) {
        Report first = once(target, resume);
        if (repeat <= 0 || first.failure() != null) {
            return first;
        }
        Repeat stats = !resume ? repeat(target, repeat, false, null)
                : "TLSv1.3".equals(first.protocol()) ? repeatTls13(target, repeat) : repeat(target, repeat, true, null);
        return new Report(first.target(), first.serverName(), first.protocol(), first.cipher(), first.alpn(), first.resumed(),
                first.chain(), first.certificates(), first.path(), first.verified(), first.verifyKind(), first.verifyProblem(), first.ocsp(),
                first.timings(), null, stats, first.startTls());
    }

    /** {@code repeat} handshakes on BCJSSE, whose session cache resumes TLS 1.2 sessions when {@code resume} lets it. */
    private Repeat repeat(Endpoint target, int repeat, boolean resume, String note) {
        int resumed = 0;
        long start = System.nanoTime();
        for (int i = 0; i < repeat; i++) {
            TlsClient.Session session = handshake(dialer.dial(target), target);
            if (session.resumed()) {
                resumed++;
            }
            goodbye(session.conn(), resume);
        }
        return new Repeat(repeat, System.nanoTime() - start, resumed, note);
    }

    /**
     * {@code repeat} TLS 1.3 handshakes resuming with session tickets, after one more full handshake that
     * gets the first ticket (untimed, as the first handshake fills the session cache over TLS 1.2).
     */
    private Repeat repeatTls13(Endpoint target, int repeat) {
        TicketResumingClient tickets = client.ticketResuming();
        if (tickets == null) {
            return repeat(target, repeat, true, "TLS 1.3 sessions are resumed only without --cert");
        }
        client.resumingHandshake(tickets, dialer.dial(target), target, startTls);
        int resumed = 0;
        long start = System.nanoTime();
        for (int i = 0; i < repeat; i++) {
            if (client.resumingHandshake(tickets, dialer.dial(target), target, startTls)) {
                resumed++;
            }
        }
        long nanos = System.nanoTime() - start;
        String note = resumed > 0 ? null
                : tickets.ticketsReceived() == 0 ? "the server sent no TLS 1.3 session ticket" : "the server did not accept its own session tickets";
        return new Repeat(repeat, nanos, resumed, note);
    }

    /** Whether the server resumes sessions over TLS 1.2 and over TLS 1.3 (null: not asked, or the handshakes failed). */
    public record Resumption(Boolean tls12, Boolean tls13) {
    }

    /**
     * {@link Resumption} by a few handshakes per version asked ({@code tls12}, {@code tls13}): BCJSSE's own
     * session cache over TLS 1.2, session tickets over TLS 1.3. Certificates are not checked here (the scan shows them).
     */
    public static Resumption resumption(Endpoint target, Dialer dialer, TlsClient client, StartTls startTls, boolean tls12, boolean tls13) {
        return new Resumption(tls12 ? resumes(target, dialer, client, startTls, "1.2") : null,
                tls13 ? resumes(target, dialer, client, startTls, "1.3") : null);
    }

    private static Boolean resumes(Endpoint target, Dialer dialer, TlsClient client, StartTls startTls, String version) {
        TlsClient.Config c = client.config();
        TlsClient only = new TlsClient(new TlsClient.Config(c.serverName(), List.of(), c.caCert(), true, version, version, null, null,
                c.handshakeTimeoutMillis(), TlsOffer.DEFAULTS, warning -> { }, null, false));
        try {
            TlsProbe.Report again = new TlsProbe(dialer, only, startTls).probe(target, 2);
            return again.failure() != null || again.repeat() == null ? null : again.repeat().resumed() > 0;
        } catch (NkException e) {
            return null;
        }
    }

    /** Closes politely; without {@code resume} the session is forgotten, so the next handshake is a full one. */
    private static void goodbye(TlsConn conn, boolean resume) {
        if (!resume) {
            conn.session().invalidate();
        }
        try {
            conn.closeWrite();
        } catch (java.io.IOException e) {
            // the handshake is what was measured; a failed goodbye changes nothing
        }
        conn.close();
    }

    private Report once(Endpoint target, boolean resume) {
        long start = System.nanoTime();
        Conn raw = dialer.dial(target);
        Timings connected = raw.timings();
        String sni = client.config().serverName() != null ? client.config().serverName() : target.host();
        try {
            TlsClient.Session session = handshake(raw, target);
            TlsConn conn = session.conn();
            goodbye(conn, resume);
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
