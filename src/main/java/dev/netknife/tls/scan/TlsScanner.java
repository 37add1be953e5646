package dev.netknife.tls.scan;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Conn;
import dev.netknife.io.Deadline;
import dev.netknife.io.Dialer;
import dev.netknife.io.Endpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a TLS server accepts, learned from handwritten ClientHellos (see {@link ClientHello}): the
 * versions from SSLv2 to TLS 1.3, the cipher suites of each in the server's order (by elimination:
 * offer everything not yet seen, note the choice, take it out, again, until the server refuses), the
 * key exchange groups, and what its ServerHello tells (secure renegotiation, compression, OCSP
 * stapling, session tickets, ALPN). Probes of different versions run at once, at most
 * {@code concurrency} connections at a time.
 */
public final class TlsScanner {

    /** {@code serverName}: SNI (null for none); {@code timeoutMillis}: per probe, connect to answer; {@code startTls}: null or the plaintext part before each hello. */
    public record Options(String serverName, long timeoutMillis, int concurrency, dev.netknife.tls.StartTls startTls) {
    }

    /** A suite the server accepted, and how its key exchange came out (ECDHE's curve, DHE's prime size). */
    public record Accepted(CipherSuite suite, int group, int dhBits) {
    }

    /** One protocol version: whether the server speaks it and, if so, its suites and whether it picks by its own order. */
    public record VersionScan(int version, boolean enabled, List<Accepted> suites, Boolean serverOrder) {
        public String name() {
            return ClientHello.versionName(version);
        }
    }

    /**
     * What the ServerHello of a TLS 1.2 (or older) handshake said: null where no such version was spoken;
     * {@code certificates}: the chain it sent (in the clear before TLS 1.3).
     */
    public record Features(Boolean secureRenegotiation, Boolean compression, Boolean ocspStapling, Boolean sessionTickets,
            List<java.security.cert.X509Certificate> certificates) {
        static final Features UNKNOWN = new Features(null, null, null, null, List.of());
    }

    /** All findings. {@code alpn} is null when it could not be asked (TLS 1.3 only: the answer is encrypted). */
    public record Result(List<VersionScan> versions, List<Integer> groups13, List<Integer> groups12, Features features, List<String> alpn,
            int probes) {

        public VersionScan version(int version) {
            return versions.stream().filter(v -> v.version() == version).findFirst().orElseThrow();
        }

        public boolean speaks(int version) {
            return versions.stream().anyMatch(v -> v.version() == version && v.enabled());
        }
    }

    /** ALPN protocols asked about (IANA registry, the ones servers answer to in practice). */
    static final List<String> ALPN_CANDIDATES = List.of("h2", "http/1.1", "http/1.0", "h2c", "spdy/3.1", "acme-tls/1", "imap", "pop3",
            "managesieve", "xmpp-client", "xmpp-server", "postgresql", "ftp", "smb", "irc", "coap", "mqtt", "dot", "sunrpc", "ntske/1");

    private final Dialer dialer;
    private final Endpoint target;
    private final Options options;
    private final CipherSuite.Table table;
    private final SecureRandom random = new SecureRandom();
    private final Semaphore slots;
    private final AtomicInteger probes = new AtomicInteger();

    public TlsScanner(Dialer dialer, Endpoint target, Options options, CipherSuite.Table table) {
        this.dialer = dialer;
        this.target = target;
        this.options = options;
        this.table = table;
        this.slots = new Semaphore(Math.max(1, options.concurrency()));
    }

    public Result scan() {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            int[] legacyVersions = {ClientHello.SSL3, ClientHello.TLS10, ClientHello.TLS11, ClientHello.TLS12};
            Future<Boolean> sslv2 = pool.submit(this::speaksSslv2);
            List<Future<VersionScan>> legacy = new ArrayList<>();
            for (int version : legacyVersions) {
                legacy.add(pool.submit(() -> legacyVersion(version)));
            }
            Future<VersionScan> tls13 = pool.submit(this::tls13);
            Future<List<Integer>> groups13 = pool.submit(this::groups13);
            List<VersionScan> versions = new ArrayList<>();
            versions.add(new VersionScan(0x0002, get(sslv2), List.of(), null));
            for (Future<VersionScan> f : legacy) {
                versions.add(get(f));
            }
            versions.add(get(tls13));
            int newestLegacy = -1;
            for (int i = legacyVersions.length - 1; i >= 0 && newestLegacy < 0; i--) {
                if (versions.get(i + 1).enabled()) {
                    newestLegacy = legacyVersions[i];
                }
            }
            int legacyVersion = newestLegacy;
            Future<List<Integer>> groups12 = pool.submit(() -> legacyVersion >= ClientHello.TLS10 ? groups12(legacyVersion, versions, pool) : List.of());
            Future<Features> features = pool.submit(() -> legacyVersion < 0 ? Features.UNKNOWN : features(legacyVersion));
            Future<List<String>> alpn = pool.submit(() -> legacyVersion >= ClientHello.TLS10 ? alpn(legacyVersion) : null);
            return new Result(versions, versions.getLast().enabled() ? get(groups13) : List.of(), get(groups12), get(features), get(alpn),
                    probes.get());
        }
    }

    private boolean speaksSslv2() throws IOException {
        return ask(ClientHello.sslv2(random)).outcome() == ServerFlight.Outcome.SSLV2;
    }

    private VersionScan legacyVersion(int version) throws IOException {
        List<CipherSuite> offer = new ArrayList<>(table.legacy());
        List<Accepted> accepted = new ArrayList<>();
        while (!offer.isEmpty()) {
            ServerFlight answer = ask(new ClientHello(version, codes(offer), Groups.ecdhe(), options.serverName(), List.of(), false));
            if (answer.outcome() != ServerFlight.Outcome.HELLO || answer.version() != version) {
                break;
            }
            CipherSuite chosen = table.byCode(answer.suite());
            accepted.add(new Accepted(chosen, answer.ecdheGroup(), answer.dhePrimeBits()));
            if (!offer.removeIf(s -> s.code() == chosen.code())) {
                break; // a suite never offered (shown as it is): the server is broken; stop rather than loop
            }
        }
        if (accepted.isEmpty()) {
            return new VersionScan(version, false, List.of(), null);
        }
        return new VersionScan(version, true, accepted, serverOrder(accepted, suites -> {
            ServerFlight answer = ask(new ClientHello(version, suites, Groups.ecdhe(), options.serverName(), List.of(), false));
            return answer.outcome() == ServerFlight.Outcome.HELLO ? answer.suite() : -1;
        }));
    }

    private VersionScan tls13() throws IOException {
        List<CipherSuite> offer = new ArrayList<>(table.tls13());
        List<Accepted> accepted = new ArrayList<>();
        while (!offer.isEmpty()) {
            ServerFlight answer = ask(new ClientHello(ClientHello.TLS13, codes(offer), Groups.tls13(), options.serverName(), List.of(), false));
            if (!answer.accepted() || answer.version() != ClientHello.TLS13) {
                break;
            }
            CipherSuite chosen = table.byCode(answer.suite());
            accepted.add(new Accepted(chosen, answer.selectedGroup(), -1));
            if (!offer.removeIf(s -> s.code() == chosen.code())) {
                break;
            }
        }
        if (accepted.isEmpty()) {
            return new VersionScan(ClientHello.TLS13, false, List.of(), null);
        }
        return new VersionScan(ClientHello.TLS13, true, accepted, serverOrder(accepted, suites -> {
            ServerFlight answer = ask(new ClientHello(ClientHello.TLS13, suites, Groups.tls13(), options.serverName(), List.of(), false));
            return answer.accepted() ? answer.suite() : -1;
        }));
    }

    @FunctionalInterface
    private interface Choice {
        int pick(List<Integer> suites) throws IOException;
    }

    /** With two or more suites: offered in reverse, does the server still pick its first? null with one suite. */
    private static Boolean serverOrder(List<Accepted> accepted, Choice choice) throws IOException {
        if (accepted.size() < 2) {
            return null;
        }
        List<Integer> reversed = new ArrayList<>();
        for (int i = accepted.size() - 1; i >= 0; i--) {
            reversed.add(accepted.get(i).suite().code());
        }
        return choice.pick(reversed) == accepted.getFirst().suite().code();
    }

    /** TLS 1.3 groups in the server's order: offer the rest, the HelloRetryRequest names its pick. */
    private List<Integer> groups13() throws IOException {
        List<Integer> offer = new ArrayList<>(Groups.tls13());
        List<Integer> found = new ArrayList<>();
        List<Integer> suites = codes(table.tls13());
        while (!offer.isEmpty()) {
            ServerFlight answer = ask(new ClientHello(ClientHello.TLS13, suites, offer, options.serverName(), List.of(), false));
            int group = answer.outcome() == ServerFlight.Outcome.RETRY ? answer.selectedGroup() : -1;
            if (group < 0 || !offer.remove(Integer.valueOf(group))) {
                break;
            }
            found.add(group);
        }
        return found;
    }

    /**
     * ECDHE curves of TLS 1.2 and before, each asked on its own with the ECDHE suites the server took (the
     * ServerKeyExchange names the curve). A server with an ECDSA certificate can sign only when the client
     * lists the certificate's curve too: that curve then follows in second place.
     */
    private List<Integer> groups12(int version, List<VersionScan> versions, ExecutorService pool) throws IOException {
        List<Integer> ecdheSuites = new ArrayList<>();
        for (VersionScan v : versions) {
            if (v.version() == version) {
                v.suites().stream().filter(a -> a.group() >= 0).forEach(a -> ecdheSuites.add(a.suite().code()));
            }
        }
        if (ecdheSuites.isEmpty()) {
            return List.of();
        }
        ServerFlight any = ask(new ClientHello(version, ecdheSuites, Groups.ecdhe(), options.serverName(), List.of(), false));
        int certificateCurve = any.certificates().isEmpty() ? -1 : Groups.ofKey(any.certificates().getFirst().getPublicKey());
        List<Future<Integer>> answers = new ArrayList<>();
        for (int group : Groups.ecdhe()) {
            List<Integer> offer = certificateCurve < 0 || certificateCurve == group ? List.of(group) : List.of(group, certificateCurve);
            answers.add(pool.submit(() -> {
                ServerFlight answer = ask(new ClientHello(version, ecdheSuites, offer, options.serverName(), List.of(), false));
                return answer.outcome() == ServerFlight.Outcome.HELLO && answer.ecdheGroup() == group ? group : -1;
            }));
        }
        List<Integer> found = new ArrayList<>();
        for (Future<Integer> answer : answers) {
            int group = get(answer);
            if (group >= 0) {
                found.add(group);
            }
        }
        return found;
    }

    private Features features(int version) throws IOException {
        List<Integer> all = codes(table.legacy());
        ServerFlight plain = ask(new ClientHello(version, all, Groups.ecdhe(), options.serverName(), List.of(), false));
        ServerFlight compressed = ask(new ClientHello(version, all, Groups.ecdhe(), options.serverName(), List.of(), true));
        if (plain.outcome() != ServerFlight.Outcome.HELLO) {
            return Features.UNKNOWN;
        }
        return new Features(plain.extensions().containsKey(0xff01),
                compressed.outcome() == ServerFlight.Outcome.HELLO ? compressed.compression() != 0 : Boolean.FALSE,
                plain.extensions().containsKey(5) || plain.stapled(), plain.extensions().containsKey(35), plain.certificates());
    }

    /** The ALPN protocols the server takes, in its order of preference; empty when it ignores ALPN. */
    private List<String> alpn(int version) throws IOException {
        List<String> offer = new ArrayList<>(ALPN_CANDIDATES);
        List<String> found = new ArrayList<>();
        List<Integer> all = codes(table.legacy());
        while (!offer.isEmpty()) {
            ServerFlight answer = ask(new ClientHello(version, all, Groups.ecdhe(), options.serverName(), offer, false));
            String chosen = answer.outcome() == ServerFlight.Outcome.HELLO ? answer.alpn() : null;
            if (chosen == null || !offer.remove(chosen)) {
                break;
            }
            found.add(chosen);
        }
        return found;
    }

    private ServerFlight ask(ClientHello hello) throws IOException {
        return ask(hello.encode(random));
    }

    /**
     * One connection: the hello out, the server's answer in, within the probe timeout. A probe that times
     * out is asked once more on a new connection before the scan gives up: one stalled connection among a
     * scan's hundred (a busy mail server, a rate limit) is not the server's answer.
     */
    private ServerFlight ask(byte[] hello) throws IOException {
        try {
            return askOnce(hello);
        } catch (NkException e) {
            if (e.exitCode() != dev.netknife.ExitCode.TIMEOUT) {
                throw e;
            }
            return askOnce(hello);
        }
    }

    private ServerFlight askOnce(byte[] hello) throws IOException {
        slots.acquireUninterruptibly();
        probes.incrementAndGet();
        try (Conn conn = dialer.dial(target); Deadline deadline = new Deadline(conn, options.timeoutMillis())) {
            try {
                if (options.startTls() != null) {
                    options.startTls().negotiate(conn, options.serverName() != null ? options.serverName() : target.host());
                }
                conn.write(ByteBuffer.wrap(hello));
                return ServerFlight.read(new java.io.BufferedInputStream(conn.in(), 16 * 1024));
            } catch (IOException e) {
                if (deadline.expired()) {
                    throw NkException.timeout("tls", "the server did not answer a ClientHello within " + options.timeoutMillis()
                            + " ms (" + target + ")");
                }
                return ServerFlight.read(java.io.InputStream.nullInputStream()); // reset: as closed
            }
        } finally {
            slots.release();
        }
    }

    private static List<Integer> codes(List<CipherSuite> suites) {
        Set<Integer> codes = new LinkedHashSet<>();
        suites.forEach(s -> codes.add(s.code()));
        return List.copyOf(codes);
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NkException nk) {
                throw nk;
            }
            throw new NkException(ExitCode.FAILURE, "tls", "scan failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NkException(ExitCode.INTERRUPTED, null, "interrupted", e);
        }
    }
}
