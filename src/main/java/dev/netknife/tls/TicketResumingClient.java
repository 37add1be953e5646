package dev.netknife.tls;

import dev.netknife.NkException;
import dev.netknife.io.Conn;
import dev.netknife.io.Deadline;
import dev.netknife.io.Endpoint;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Vector;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsHandshakeHash;
import org.bouncycastle.tls.TlsPSK;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCertificate;

/**
 * TLS 1.3 handshakes that resume sessions with the server's tickets, for {@code tls-get --repeat}.
 * BCJSSE cannot: Bouncy Castle's client (1.84) reads a TLS 1.3 NewSessionTicket and drops it, and
 * never derives the resumption master secret. This runs Bouncy Castle's TLS protocol classes directly
 * and adds both: the ticket is kept (RFC 8446 4.6.1), the resumption master secret is derived after the
 * client's Finished (7.1), and the newest unused ticket is offered as a pre-shared key with a
 * resumption binder ({@link ResumptionSecrets}) and (EC)DHE, as OpenSSL's client does. A handshake the
 * server does not resume shows its certificate, checked as every nk handshake checks it ({@link CertCheck}).
 *
 * <p>One instance per run of handshakes to one server, on one thread.
 */
final class TicketResumingClient {
    /** The TLS 1.3 suites by IANA name, for --ciphers; Bouncy Castle has no table of names. */
    private static final Map<String, Integer> TLS13_SUITES = Map.of(
            "TLS_AES_128_GCM_SHA256", 0x1301, "TLS_AES_256_GCM_SHA384", 0x1302, "TLS_CHACHA20_POLY1305_SHA256", 0x1303,
            "TLS_AES_128_CCM_SHA256", 0x1304, "TLS_AES_128_CCM_8_SHA256", 0x1305);
    /** What BCJSSE offers over TLS 1.3 by default, in its order (of these the crypto can do). */
    private static final int[] DEFAULT_SUITES = {0x1303, 0x1301, 0x1302};
    /** RFC 8446 4.6.1: a ticket lives at most seven days, whatever the server says. */
    private static final long MAX_TICKET_SECONDS = 7 * 24 * 3600;
    /** How long to wait after a handshake for a ticket the server has not sent yet: servers send them at once. */
    private static final long MIN_TICKET_WAIT_MILLIS = 50;

    /** A session ticket with its PSK, usable until {@code expiresNanos}. */
    private record Ticket(byte[] identity, byte[] psk, int prfAlgorithm, long expiresNanos) {
    }

    private final TlsClient.Config config;
    private final TrustStore trust;
    private final JdkTlsCrypto crypto;
    private final Deque<Ticket> tickets = new ArrayDeque<>();
    private final byte[] readBuffer = new byte[17 * 1024];
    private Ticket lastOffered;
    private int ticketsReceived;
    private boolean serverSendsTickets = true;

    TicketResumingClient(TlsClient.Config config, TrustStore trust) {
        TlsProvider.jsse(); // its set-up (the RSA-PSS signatures of TLS 1.3) comes first
        this.config = config;
        this.trust = trust;
        this.crypto = new JdkTlsCryptoProvider().createResuming();
    }

    /** How many tickets the server has sent so far. */
    int ticketsReceived() {
        return ticketsReceived;
    }

    /**
     * One TLS 1.3 handshake over {@code raw} (connected to {@code target}), offering a ticket when one
     * is held; then the server's new tickets are read and the connection closed. Returns whether the
     * server resumed. A failure is exit 5 (or 124 past {@code timeoutMillis}), as for any handshake.
     */
    boolean handshake(Conn raw, Endpoint target, String serverName, long timeoutMillis) {
        Ticket offer = nextTicket();
        Peer peer = new Peer(serverName, offer);
        Protocol protocol = new Protocol();
        long start = System.nanoTime();
        Deadline deadline = new Deadline(raw, timeoutMillis);
        KeyLog.Handshake log = config.keyLog() == null ? null : config.keyLog().handshake();
        if (log != null) {
            KeyLogSecret.CURRENT.set(log); // the secrets go to the key log (and a --pcap file) as the first handshake's do
        }
        raw.holdCapture(true);
        try {
            protocol.connect(peer);
            if (log != null) {
                log.clientRandom(protocol.clientRandom());
            }
            send(protocol, raw);
            while (protocol.isHandshaking()) {
                receive(protocol, raw);
            }
        } catch (IOException | RuntimeException e) {
            raw.close();
            if (deadline.expired()) {
                throw NkException.timeout("tls", "TLS handshake timed out (" + target + ")");
            }
            throw TlsFailures.classify(e, peer.problem, target.toString());
        } finally {
            deadline.close();
            KeyLogSecret.CURRENT.remove();
            raw.holdCapture(false);
        }
        awaitTickets(protocol, raw, System.nanoTime() - start, timeoutMillis);
        goodbye(protocol, raw);
        return peer.resumed;
    }

    private Ticket nextTicket() {
        long now = System.nanoTime();
        tickets.removeIf(t -> now - t.expiresNanos() > 0);
        Ticket next = tickets.pollLast();
        if (next == null && lastOffered != null && now - lastOffered.expiresNanos() < 0) {
            next = lastOffered; // no fresh one: servers with stateless tickets take one again (RFC 8446 C.4 would rather not)
        }
        if (next != null) {
            lastOffered = next;
        }
        return next;
    }

    /**
     * Servers send tickets right after the client's Finished, so they are usually in the next read.
     * With none held, wait for one for up to twice the handshake's time (at least 50 ms); a server that
     * sent none in that time is not waited for again.
     */
    private void awaitTickets(Protocol protocol, Conn raw, long handshakeNanos, long timeoutMillis) {
        int before = ticketsReceived;
        long waitMillis = tickets.isEmpty() && serverSendsTickets
                ? Math.min(Math.max(MIN_TICKET_WAIT_MILLIS, 2 * handshakeNanos / 1_000_000), Math.max(1, timeoutMillis)) : 0;
        try (Deadline wait = new Deadline(raw, waitMillis)) {
            while (waitMillis > 0 ? ticketsReceived == before : raw.available() > 0) {
                if (!receive(protocol, raw)) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the wait ended (the deadline closed the connection) or the server went away: either way, no more tickets
        }
        if (waitMillis > 0 && ticketsReceived == before) {
            serverSendsTickets = false;
        }
    }

    /** Reads what the server sent and hands it to the protocol; false at end of stream. */
    private boolean receive(Protocol protocol, Conn raw) throws IOException {
        int n = raw.read(ByteBuffer.wrap(readBuffer));
        if (n < 0) {
            if (protocol.isHandshaking()) {
                throw new EOFException("the server closed the connection");
            }
            return false;
        }
        protocol.offerInput(readBuffer, 0, n);
        send(protocol, raw);
        return true;
    }

    private static void send(Protocol protocol, Conn raw) throws IOException {
        int pending = protocol.getAvailableOutputBytes();
        if (pending > 0) {
            byte[] out = new byte[pending];
            protocol.readOutput(out, 0, pending);
            raw.write(ByteBuffer.wrap(out));
        }
    }

    private static void goodbye(Protocol protocol, Conn raw) {
        try {
            protocol.close();
            send(protocol, raw);
            raw.closeWrite();
        } catch (IOException | RuntimeException e) {
            // the handshake is what was measured; a failed goodbye changes nothing
        }
        raw.close();
    }

    /** Bouncy Castle's client protocol, keeping what it drops: the resumption master secret and the tickets. */
    private final class Protocol extends TlsClientProtocol {
        private TlsSecret resumptionMasterSecret;
        private int prfAlgorithm;
        private int cryptoHashAlgorithm;
        private int hashLength;

        /** The ClientHello's random, once connect() has sent it. */
        byte[] clientRandom() {
            return getContext().getSecurityParametersHandshake().getClientRandom();
        }

        @Override
        protected void send13FinishedMessage() throws IOException {
            super.send13FinishedMessage();
            SecurityParameters parameters = getContext().getSecurityParametersHandshake();
            if (parameters.getMasterSecret() == null) {
                return;
            }
            prfAlgorithm = parameters.getPRFAlgorithm();
            cryptoHashAlgorithm = parameters.getPRFCryptoHashAlgorithm();
            hashLength = parameters.getPRFHashLength();
            resumptionMasterSecret = ResumptionSecrets.resumptionMasterSecret(parameters.getMasterSecret(), cryptoHashAlgorithm,
                    transcriptHash(this));
        }

        @Override
        protected void receive13NewSessionTicket(ByteArrayInputStream message) throws IOException {
            byte[] body = message.readAllBytes();
            super.receive13NewSessionTicket(new ByteArrayInputStream(body)); // checks when it came and its syntax
            message = new ByteArrayInputStream(body);
            long lifetimeSeconds = TlsUtils.readUint32(message);
            TlsUtils.readUint32(message); // ticket_age_add: the age Bouncy Castle sends is 0, which servers accept outside early data
            byte[] nonce = TlsUtils.readOpaque8(message);
            byte[] identity = TlsUtils.readOpaque16(message);
            TlsUtils.readOpaque16(message); // extensions: early_data only, and nk sends none
            if (resumptionMasterSecret == null || lifetimeSeconds == 0 || identity.length == 0) {
                return;
            }
            long lifetimeNanos = Math.min(lifetimeSeconds, MAX_TICKET_SECONDS) * 1_000_000_000L;
            tickets.addLast(new Ticket(identity, ResumptionSecrets.ticketPsk(resumptionMasterSecret, cryptoHashAlgorithm, nonce, hashLength),
                    prfAlgorithm, System.nanoTime() + lifetimeNanos));
            ticketsReceived++;
        }
    }

    /** What the transcript hash is after the client's Finished; Bouncy Castle keeps the transcript to itself. */
    private static byte[] transcriptHash(TlsClientProtocol protocol) throws IOException {
        try {
            TlsHandshakeHash transcript = (TlsHandshakeHash) TranscriptField.FIELD.get(protocol);
            return transcript.forkPRFHash().calculateHash();
        } catch (IllegalAccessException e) {
            throw new IOException("cannot read the TLS transcript: " + e.getMessage(), e);
        }
    }

    private static final class TranscriptField {
        static final java.lang.reflect.Field FIELD = find();

        private static java.lang.reflect.Field find() {
            try {
                java.lang.reflect.Field field = org.bouncycastle.tls.TlsProtocol.class.getDeclaredField("handshakeHash");
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException("this Bouncy Castle keeps no TlsProtocol.handshakeHash", e);
            }
        }
    }

    /** The client's side of one handshake: what it offers, and what it learns. */
    private final class Peer extends DefaultTlsClient {
        private final String serverName;
        private final Ticket offer;
        private boolean resumed;
        private CertCheck.Problem problem;

        Peer(String serverName, Ticket offer) {
            super(crypto);
            this.serverName = serverName;
            this.offer = offer;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv13.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            int[] suites = config.offer().cipherSuites().isEmpty() ? DEFAULT_SUITES
                    : config.offer().cipherSuites().stream().map(TLS13_SUITES::get).filter(java.util.Objects::nonNull).mapToInt(Integer::intValue)
                            .toArray();
            return TlsUtils.getSupportedCipherSuites(getCrypto(), suites);
        }

        @Override
        protected Vector getSupportedGroups(Vector namedGroupRoles) {
            Vector groups = super.getSupportedGroups(namedGroupRoles);
            if (config.offer().groups().isEmpty()) {
                return groups;
            }
            Vector offered = new Vector();
            for (String name : config.offer().groups()) {
                for (Object group : groups) {
                    if (name.equalsIgnoreCase(NamedGroup.getStandardName((Integer) group))) {
                        offered.add(group);
                    }
                }
            }
            return offered;
        }

        @Override
        protected Vector getSNIServerNames() {
            if (CertCheck.isIpLiteral(serverName) || TlsClient.sniName(serverName) == null) {
                return null;
            }
            Vector names = new Vector();
            names.add(new ServerName(NameType.host_name, serverName.getBytes(StandardCharsets.US_ASCII)));
            return names;
        }

        @Override
        protected Vector getProtocolNames() {
            if (config.alpn().isEmpty()) {
                return null;
            }
            Vector names = new Vector();
            for (String name : config.alpn()) {
                names.add(ProtocolName.asUtf8Encoding(name));
            }
            return names;
        }

        @Override
        public Vector getExternalPSKs() {
            if (offer == null) {
                return null;
            }
            Vector psks = new Vector();
            psks.add(new BasicTlsPSKExternal(offer.identity(), new ResumptionSecrets.Psk(crypto, offer.psk()), offer.prfAlgorithm()));
            return psks;
        }

        @Override
        public void notifySelectedPSK(TlsPSK selectedPSK) {
            resumed = selectedPSK != null;
        }

        @Override
        public int getMaxHandshakeMessageSize() {
            return TlsProvider.MAX_HANDSHAKE_MESSAGE_BYTES;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    TlsCertificate[] sent = serverCertificate.getCertificate().getCertificateList();
                    X509Certificate[] chain = new X509Certificate[sent.length];
                    for (int i = 0; i < sent.length; i++) {
                        chain[i] = JcaTlsCertificate.convert(crypto, sent[i]).getX509Certificate();
                    }
                    problem = CertCheck.check(chain, "UNKNOWN", trust, serverName, System.currentTimeMillis());
                    if (problem != null && !config.insecure()) {
                        throw new TlsFatalAlert(CheckingTrustManager.alertFor(problem.kind()), problem.message());
                    }
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                    return null; // TlsProbe resumes here only without --cert
                }
            };
        }

        @Override
        public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
            // the failure comes back as the exception; Bouncy Castle's default would print it
        }

        @Override
        public void notifyAlertReceived(short level, short description) {
            // as above
        }
    }
}
