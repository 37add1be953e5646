package dev.netknife.tls;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Ahead;
import dev.netknife.io.Conn;
import dev.netknife.io.Deadline;
import dev.netknife.io.Dialer;
import dev.netknife.io.Endpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The client side of TLS for every command: trust (JDK CAs plus {@code --cacert}), hostname
 * verification, SNI, ALPN, version range and client certificates, layered over a dialed {@link Conn}.
 */
public final class TlsClient {

    /** What the user asked for; nulls mean the defaults (SNI = the host, TLS 1.2 to 1.3, no ALPN). */
    /**
     * {@code offer}: the cipher suites and groups to offer (empty: the defaults); {@code warnings} hears
     * what is passed over on the way (a --cacert entry that does not parse); {@code keyLog}: where the
     * session secrets go (--keylog, SSLKEYLOGFILE), or null; {@code stapledOcsp}: read the OCSP response the
     * server staples (its signature check costs a verification per handshake; only --status shows it).
     */
    public record Config(String serverName, List<String> alpn, Path caCert, boolean insecure, String minVersion,
            String maxVersion, Path cert, Path key, long handshakeTimeoutMillis, TlsOffer offer, java.util.function.Consumer<String> warnings,
            KeyLog keyLog, boolean stapledOcsp) {

        public static Config defaults() {
            return new Config(null, List.of(), null, false, null, null, null, null, 10_000, TlsOffer.DEFAULTS, warning -> { }, null, false);
        }
    }

    /**
     * A finished handshake: the connection, the chain the server presented, and why it did not
     * verify when {@code --insecure} let it through anyway (null when verified).
     */
    /** {@code path}: the certificates of {@code chain} on the path that validated; null when none did or the session was resumed. */
    public record Session(TlsConn conn, List<X509Certificate> chain, List<X509Certificate> path, String verifyKind, String verifyProblem,
            String serverName, boolean resumed, StapledOcsp ocsp) {
        public boolean verified() {
            return verifyProblem == null;
        }
    }

    /** A failed handshake still tells what the server presented (tls-get prints it). */
    public static final class Failure extends NkException {
        private static final long serialVersionUID = 1L;
        private final transient List<X509Certificate> chain;
        private final String protocol;
        private final String cipher;

        Failure(NkException reason, List<X509Certificate> chain, String protocol, String cipher) {
            super(reason.exitCode(), reason.phase(), reason.kind(), reason.getMessage(), reason.getCause());
            this.chain = chain;
            this.protocol = protocol;
            this.cipher = cipher;
        }

        public List<X509Certificate> chain() {
            return chain;
        }

        /** The protocol negotiated before the failure (a refused certificate comes after it), or null. */
        public String protocol() {
            return protocol;
        }

        /** The cipher suite negotiated before the failure, or null. */
        public String cipher() {
            return cipher;
        }
    }

    private final Config config;
    private final String[] protocols;
    private final java.util.concurrent.FutureTask<Setup> setup;
    private final dev.netknife.io.BufferPool buffers = TlsBuffers.pool();

    /** The trust manager and the context, made together (the JDK's CA store loads on beside them, see TrustStore). */
    private record Setup(CheckingTrustManager trust, SSLContext context) {
    }

    /**
     * One context per client, so later handshakes to the same server can resume the session. On the
     * JVM it is built on a virtual thread started here ({@link Ahead}): starting BCJSSE takes ~80 ms
     * on a cold JVM and reading the JDK's CA store ~140 ms, which then overlap DNS, connect and the
     * handshake.
     */
    public TlsClient(Config config) {
        this.config = config;
        this.protocols = TlsVersions.between(config.minVersion(), config.maxVersion());
        KeyManager[] keyManagers = clientKeyManagers(config.cert(), config.key()); // bad key files: usage errors before connecting
        TrustStore trustStore = TrustStore.load(config.caCert(), null, config.warnings());
        this.setup = new java.util.concurrent.FutureTask<>(() -> {
            CheckingTrustManager trust = new CheckingTrustManager(trustStore, config.insecure(), config.stapledOcsp());
            try {
                SSLContext context = SSLContext.getInstance("TLS", TlsProvider.jsse());
                context.init(keyManagers, new TrustManager[] {trust}, new SecureRandom());
                trustStore.await();
                return new Setup(trust, context);
            } catch (GeneralSecurityException e) {
                throw new NkException(ExitCode.FAILURE, null, "cannot set up TLS: " + e.getMessage(), e);
            }
        });
        Ahead.start("nk-tls-setup", setup);
    }

    private Setup setup() {
        try {
            return setup.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new NkException(ExitCode.FAILURE, null, "cannot set up TLS: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NkException(ExitCode.INTERRUPTED, null, "interrupted", e);
        }
    }

    public Config config() {
        return config;
    }

    /** Dials {@code target} and, unless {@code tls} is null, handshakes over the connection (closed on failure). */
    public static Conn dial(Dialer dialer, Endpoint target, TlsClient tls) {
        return dial(dialer, target, tls, null);
    }

    /** As above, with the plaintext part of {@code startTls} (null: none) before the handshake. */
    public static Conn dial(Dialer dialer, Endpoint target, TlsClient tls, StartTls startTls) {
        Conn conn = dialer.dial(target, tls != null);
        return tls == null ? conn : tls.handshake(conn, target, tls.config().handshakeTimeoutMillis(), startTls).conn();
    }

    /** Handshakes over {@code raw} (already connected to {@code target}); closes it on failure. */
    public Session handshake(Conn raw, Endpoint target) {
        return handshake(raw, target, config.handshakeTimeoutMillis());
    }

    /** As above, within {@code timeoutMillis} instead of the configured handshake timeout. */
    public Session handshake(Conn raw, Endpoint target, long timeoutMillis) {
        return handshake(raw, target, timeoutMillis, null);
    }

    /** As above, after the plaintext part of {@code startTls} (null: none), all within {@code timeoutMillis}. */
    public Session handshake(Conn raw, Endpoint target, long timeoutMillis, StartTls startTls) {
        String serverName = config.serverName() != null ? config.serverName() : target.host();
        Deadline deadline = new Deadline(raw, timeoutMillis);
        if (startTls != null) {
            startTls(raw, target, serverName, startTls, deadline);
        }
        Setup ready = setup();
        CheckingTrustManager trust = ready.trust();
        SSLEngine engine = engine(ready.context(), serverName, target.port());
        TlsConn conn = new TlsConn(raw, engine, buffers, config.keyLog());
        try {
            conn.handshake();
        } catch (IOException | RuntimeException e) {
            raw.close();
            CheckingTrustManager.Verdict verdict = trust.take(engine);
            List<X509Certificate> presented = verdict == null ? List.of() : verdict.presented();
            String protocol = verdict == null ? null : verdict.protocol();
            String cipher = verdict == null ? null : verdict.cipher();
            if (deadline.expired()) {
                throw new Failure(NkException.timeout("tls", "TLS handshake timed out (" + target + ")"), presented, protocol, cipher);
            }
            throw new Failure(TlsFailures.classify(e, verdict == null ? null : verdict.problem(), target.toString()), presented, protocol, cipher);
        } finally {
            deadline.close();
        }
        CheckingTrustManager.Verdict verdict = trust.take(engine);
        boolean resumed = verdict == null; // no certificate to check: the session was resumed
        List<X509Certificate> chain = verdict != null ? verdict.presented() : peerChain(conn);
        CertCheck.Problem problem = verdict == null ? null : verdict.problem();
        return new Session(conn, chain, verdict == null ? null : verdict.path(), problem == null ? null : problem.kind(),
                problem == null ? null : problem.message(),
                CertCheck.isIpLiteral(serverName) ? null : serverName, resumed, verdict == null ? StapledOcsp.NONE : verdict.ocsp());
    }

    /**
     * A client for TLS 1.3 handshakes that resume with the server's session tickets, which BCJSSE cannot;
     * null with --cert (it presents no client certificate).
     */
    TicketResumingClient ticketResuming() {
        return config.cert() != null ? null : new TicketResumingClient(config, setup().trust().store());
    }

    /** As {@link #handshake(Conn, Endpoint, long, StartTls)} on {@code tickets}, then closed: whether the session resumed. */
    boolean resumingHandshake(TicketResumingClient tickets, Conn raw, Endpoint target, StartTls startTls) {
        String serverName = config.serverName() != null ? config.serverName() : target.host();
        if (startTls != null) {
            Deadline deadline = new Deadline(raw, config.handshakeTimeoutMillis());
            startTls(raw, target, serverName, startTls, deadline);
            deadline.close();
        }
        return tickets.handshake(raw, target, serverName, config.handshakeTimeoutMillis());
    }

    private static void startTls(Conn raw, Endpoint target, String serverName, StartTls startTls, Deadline deadline) {
        try {
            startTls.negotiate(raw, serverName);
        } catch (IOException | NkException e) {
            raw.close();
            deadline.close();
            String scheme = startTls.protocol().scheme();
            if (deadline.expired()) {
                throw NkException.timeout("starttls", scheme + " STARTTLS timed out (" + target + ")");
            }
            if (e instanceof NkException nk) {
                throw new NkException(nk.exitCode(), nk.phase(), nk.kind(), nk.getMessage() + " (" + target + ")", nk);
            }
            throw new NkException(ExitCode.FAILURE, "starttls", scheme + " STARTTLS failed: " + e.getMessage() + " (" + target + ")", e);
        }
    }

    private static List<X509Certificate> peerChain(TlsConn conn) {
        try {
            java.security.cert.Certificate[] certs = conn.session().getPeerCertificates();
            List<X509Certificate> chain = new java.util.ArrayList<>();
            for (java.security.cert.Certificate c : certs) {
                if (c instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
            return chain;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    private SSLEngine engine(SSLContext context, String serverName, int port) {
        try {
            SSLEngine engine = context.createSSLEngine(serverName, port);
            engine.setUseClientMode(true);
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setProtocols(protocols);
            SNIHostName sni = CertCheck.isIpLiteral(serverName) ? null : sniName(serverName);
            if (sni != null) {
                parameters.setServerNames(List.of(sni));
            }
            if (!config.alpn().isEmpty()) {
                parameters.setApplicationProtocols(config.alpn().toArray(String[]::new));
            }
            if (!config.offer().cipherSuites().isEmpty()) {
                parameters.setCipherSuites(config.offer().cipherSuites().toArray(String[]::new));
            }
            engine.setSSLParameters(parameters);
            if (!config.offer().groups().isEmpty() && engine instanceof org.bouncycastle.jsse.BCSSLEngine bc) {
                org.bouncycastle.jsse.BCSSLParameters groups = bc.getParameters();
                groups.setNamedGroups(config.offer().groups().toArray(String[]::new));
                bc.setParameters(groups);
            }
            return engine;
        } catch (IllegalArgumentException e) {
            throw new NkException(ExitCode.USAGE, null, "cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * The SNI name for {@code host}; null for a name SNI cannot carry (RFC 6066: letters, digits and
     * hyphens; BCJSSE enforces it). Names with an underscore are common on internal networks: nk
     * still connects to them and verifies the certificate against them, without SNI.
     */
    static SNIHostName sniName(String host) {
        try {
            return new SNIHostName(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static KeyManager[] clientKeyManagers(Path cert, Path key) {
        if (cert == null && key == null) {
            return null;
        }
        if (cert == null || key == null) {
            throw NkException.usage("--cert and --key go together");
        }
        return keyManagers(Pem.certificates(cert), Pem.privateKey(key));
    }

    static KeyManager[] keyManagers(List<X509Certificate> chain, java.security.PrivateKey key) {
        requirePair(chain.getFirst(), key);
        try {
            char[] password = "nk".toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("nk", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX", TlsProvider.jsse());
            factory.init(store, password);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw NkException.usage("cannot use the certificate and key: " + e.getMessage());
        }
    }

    /**
     * A key that does not belong to the certificate would pass here and fail every handshake later, each peer seeing only
     * "handshake failure": so sign with the key and check with the certificate now.
     */
    private static void requirePair(X509Certificate cert, java.security.PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null; // nothing to sign with here: the handshake will tell
        };
        if (algorithm == null) {
            return;
        }
        boolean pair;
        try {
            byte[] probe = "nk: does this key belong to the certificate?".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature signature = java.security.Signature.getInstance(algorithm);
            signature.initSign(key);
            signature.update(probe);
            byte[] signed = signature.sign();
            signature.initVerify(cert.getPublicKey());
            signature.update(probe);
            pair = signature.verify(signed);
        } catch (GeneralSecurityException e) {
            pair = false; // a key of another kind than the certificate's
        }
        if (!pair) {
            throw NkException.usage("the key does not belong to the certificate (--key and --cert are not a pair)");
        }
    }
}
