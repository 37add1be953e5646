package dev.netknife.io;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** {@code connect -z}: is anything listening? Resolves once, then probes the ports concurrently, at most {@code concurrency} at a time. */
public final class PortScan {

    /** One port: open, or why not ({@code reason} and the exit code it would give on its own). */
    public record PortResult(int port, boolean open, long connectNanos, String reason, ExitCode code) {
    }

    public record Result(String host, InetAddress address, long dnsNanos, List<PortResult> ports) {
        public boolean allOpen() {
            return ports.stream().allMatch(PortResult::open);
        }
    }

    private final Dialer dialer;
    private final int concurrency;

    public PortScan(Dialer dialer, int concurrency) {
        this.dialer = dialer;
        this.concurrency = concurrency;
    }

    /** Probes {@code ports} (at least one) of {@code host}; the results come in the order of {@code ports}. */
    public Result scan(String host, int[] ports) throws InterruptedException {
        long start = System.nanoTime();
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(dialer.options().connectTimeoutMillis());
        List<InetAddress> addresses = dialer.resolve(new Endpoint(host, ports[0]), start + timeoutNanos);
        long dns = System.nanoTime() - start;
        if (ports.length == 1) {
            // one port: no threads to start (the common `-z HOST PORT` stays as quick as it can)
            return new Result(host, addresses.getFirst(), dns, List.of(probe(addresses, host, ports[0], timeoutNanos)));
        }
        PortResult[] results = new PortResult[ports.length];
        Semaphore permits = new Semaphore(concurrency);
        List<Thread> threads = new ArrayList<>(ports.length);
        for (int i = 0; i < ports.length; i++) {
            int at = i;
            permits.acquire();
            threads.add(Thread.startVirtualThread(() -> {
                try {
                    results[at] = probe(addresses, host, ports[at], timeoutNanos);
                } finally {
                    permits.release();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return new Result(host, addresses.getFirst(), dns, List.of(results));
    }

    private PortResult probe(List<InetAddress> addresses, String host, int port, long timeoutNanos) {
        long start = System.nanoTime();
        try (Conn conn = dialer.connect(addresses, new Endpoint(host, port), 0, start + timeoutNanos)) {
            return new PortResult(port, true, conn.timings().connectNanos(), null, ExitCode.OK);
        } catch (NkException e) {
            String reason = switch (e.exitCode()) {
                case REFUSED -> e.getMessage().startsWith("connection refused") ? "refused" : "unreachable";
                case TIMEOUT -> "timeout";
                default -> "failed";
            };
            return new PortResult(port, false, System.nanoTime() - start, reason, e.exitCode());
        }
    }
}
