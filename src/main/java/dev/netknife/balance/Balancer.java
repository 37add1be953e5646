package dev.netknife.balance;

import dev.netknife.NkException;
import dev.netknife.http.HttpInput;
import dev.netknife.http.ResponseHead;
import dev.netknife.io.BufferPool;
import dev.netknife.io.Conn;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.Proxies;
import dev.netknife.io.Durations;
import dev.netknife.io.IpVersion;
import dev.netknife.io.NamePins;
import dev.netknife.io.Pipe;
import dev.netknife.io.SelectorRelay;
import dev.netknife.io.TcpConn;
import dev.netknife.io.Wiretap;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The load balancer's core: for each client, pick a backend, connect (trying the next one when a
 * connect fails, which also marks that backend down), send the PROXY header if asked, then pipe
 * bytes both ways with half-close. Active health checks run on a virtual thread per backend.
 */
public final class Balancer implements AutoCloseable {
    /** Each direction waits on a 4 KiB buffer: a small request or response then costs one read and one write. */
    private static final int PROBE_BYTES = 4096;

    /** What the balancer does; {@code healthIntervalMillis} 0 = passive checks only. */
    /**
     * {@code proxies}: the proxy backends are reached through (--proxy), or {@link Proxies#NONE};
     * {@code backendTap}: where connections to backends are captured (health checks are not);
     * {@code faults}: the faults to inject, changeable at run time, or null for none ever (then plain
     * TCP pairs go through the selector relay, which has no place for them).
     */
    public record Config(List<Backend> backends, Strategy strategy, long connectTimeoutMillis, int retries, int proxyProtocol,
            long healthIntervalMillis, String healthHttpPath, int rise, int fall, long failTimeoutMillis, Proxies proxies, Wiretap backendTap,
            Faults faults) {
    }

    /** Log lines about backends and clients. */
    @FunctionalInterface
    public interface Log {
        void line(String event, Backend backend, String detail);
    }

    private final Config config;
    private final Log log;
    private final Dialer dialer;
    private final BufferPool pool = new BufferPool();
    private final List<Thread> checkers;
    private long refusedNoBackend;
    private SelectorRelay relay;

    public Balancer(Config config, Log log) {
        this.config = config;
        this.log = log;
        this.dialer = new Dialer(dialOptions(config.connectTimeoutMillis()).withWiretap(config.backendTap()));
        this.checkers = config.healthIntervalMillis() > 0
                ? config.backends().stream().map(b -> Thread.ofVirtual().name("nk-health").start(() -> healthLoop(b))).toList()
                : List.of();
    }

    public List<Backend> backends() {
        return config.backends();
    }

    public synchronized long refusedNoBackend() {
        return refusedNoBackend;
    }

    /** Serves one client (the io.Server handler). */
    public void handle(Conn client) throws IOException {
        Set<Backend> tried = new HashSet<>();
        int attempts = config.retries() + 1;
        while (attempts-- > 0) {
            Backend backend;
            synchronized (this) {
                backend = config.strategy().pick(config.backends(), tried, System.nanoTime());
                if (backend == null) {
                    if (tried.isEmpty()) {
                        refusedNoBackend++;
                    }
                    break;
                }
            }
            tried.add(backend);
            long start = System.nanoTime();
            Conn upstream;
            try {
                upstream = backend.dial(dialer);
            } catch (NkException e) {
                long retryAfter = config.healthIntervalMillis() > 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(config.failTimeoutMillis());
                if (backend.failed(e.getMessage(), retryAfter)) {
                    log.line("down", backend, e.getMessage());
                }
                continue;
            }
            if (backend.connected((System.nanoTime() - start) / 1e6)) {
                log.line("up", backend, "a client connected");
            }
            backend.opened();
            Pipe.Result result = null;
            try (upstream) {
                if (config.proxyProtocol() > 0) {
                    InetSocketAddress local = client.localAddress();
                    upstream.write(config.proxyProtocol() == 1 ? ProxyHeader.v1(client.remoteAddress(), local)
                            : ProxyHeader.v2(client.remoteAddress(), local));
                }
                result = config.faults() != null ? withFaults(client, upstream, backend)
                        : client instanceof TcpConn c && upstream instanceof TcpConn u ? relay().relay(c, u).get()
                        : new Pipe(pool, PROBE_BYTES).join(client, upstream);
            } catch (InterruptedException e) {
                client.close();
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            } finally {
                backend.closed(result == null ? 0 : result.aToB(), result == null ? 0 : result.bToA());
            }
            return;
        }
        log.line("refused", null, "no backend is up for " + dev.netknife.io.Endpoint.format(client.remoteAddress())
                + (tried.isEmpty() ? "" : " (tried " + tried.size() + ")"));
    }

    /** Pipes the pair through the faults in force: bytes to the backend meet the upstream ones, bytes to the client the downstream ones. */
    private Pipe.Result withFaults(Conn client, Conn upstream, Backend backend) throws InterruptedException {
        String who = dev.netknife.io.Endpoint.format(client.remoteAddress());
        FaultSession session = new FaultSession(config.faults(), client, upstream,
                (fault, what) -> log.line("fault", backend, fault.name() + " (" + fault.spec() + ") " + what + " for " + who));
        FaultyConn toClient = new FaultyConn(client, Fault.Direction.DOWNSTREAM, session);
        FaultyConn toBackend = new FaultyConn(upstream, Fault.Direction.UPSTREAM, session);
        Pipe.Result result = new Pipe(pool, PROBE_BYTES).join(toClient, toBackend);
        toBackend.drain();
        toClient.drain();
        return result;
    }

    private void healthLoop(Backend backend) {
        while (true) {
            try {
                Thread.sleep(config.healthIntervalMillis());
            } catch (InterruptedException e) {
                return;
            }
            String problem = check(backend);
            if (backend.checked(problem == null, problem, config.rise(), config.fall())) {
                log.line(backend.up() ? "up" : "down", backend, problem == null ? "health check passed " + config.rise() + " time(s)"
                        : "health check failed " + config.fall() + " time(s): " + problem);
            }
        }
    }

    private DialOptions dialOptions(long timeoutMillis) {
        return new DialOptions(timeoutMillis, IpVersion.ANY, config.proxies(), null, NamePins.NONE, null, null, Wiretap.NONE);
    }

    /** One active check: null when it passed, else why not. */
    private String check(Backend backend) {
        long timeout = Math.min(config.connectTimeoutMillis(), Math.max(100, config.healthIntervalMillis()));
        try (Conn conn = backend.dial(new Dialer(dialOptions(timeout)))) {
            if (config.healthHttpPath() == null) {
                return null;
            }
            AtomicBoolean late = new AtomicBoolean();
            Thread deadline = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(timeout);
                    late.set(true);
                    conn.close(); // a backend that accepts but never answers fails the check
                } catch (InterruptedException e) {
                    // answered in time
                }
            });
            try {
                return httpCheck(conn, backend);
            } catch (IOException e) {
                // the read that the deadline cut short fails with an exception that has no message
                return late.get() ? noAnswer(timeout) : reason(e);
            } finally {
                deadline.interrupt();
            }
        } catch (NkException e) {
            return reason(e);
        }
    }

    private static String noAnswer(long timeoutMillis) {
        return "no HTTP answer within " + Durations.format(timeoutMillis);
    }

    /** Never null: a null problem means the check passed. */
    private static String reason(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private String httpCheck(Conn conn, Backend backend) throws IOException {
        {
            String request = "GET " + config.healthHttpPath() + " HTTP/1.1\r\nHost: " + backend.endpoint().host()
                    + "\r\nUser-Agent: nk-balance-health\r\nConnection: close\r\n\r\n";
            conn.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ResponseHead head = ResponseHead.read(new HttpInput(conn, 4096));
            if (head == null) {
                return "no HTTP answer";
            }
            return head.status() >= 200 && head.status() < 400 ? null : "HTTP " + head.status();
        }
    }

    /**
     * The selector thread that relays every plain TCP pair, started with the first client. One: a
     * second one on this 2-core machine cut bench/proxy-throughput from 1.09-1.12x HAProxy to 0.99x.
     */
    private synchronized SelectorRelay relay() throws IOException {
        if (relay == null) {
            relay = new SelectorRelay();
        }
        return relay;
    }

    @Override
    public void close() {
        for (Thread t : checkers) {
            t.interrupt();
        }
        synchronized (this) {
            if (relay != null) {
                relay.close();
            }
        }
    }
}
