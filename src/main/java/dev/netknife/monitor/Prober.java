package dev.netknife.monitor;

import dev.netknife.NkException;
import dev.netknife.http.HttpClient;
import dev.netknife.http.RequestLog;
import dev.netknife.io.Conn;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.NamePins;
import dev.netknife.io.Wiretap;
import dev.netknife.io.Proxies;
import dev.netknife.io.ProxyTls;
import dev.netknife.io.ExpectMatcher;
import dev.netknife.io.IpVersion;
import dev.netknife.io.Timings;
import dev.netknife.tls.StartTls;
import dev.netknife.tls.TlsClient;
import dev.netknife.udp.DatagramSource;
import dev.netknife.udp.UdpClient;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Pattern;

/** Runs one probe of a target with the shared Dialer, tls/, http/ and udp/ code; never throws. */
public final class Prober {

    /**
     * {@code expectStatus} null = 2xx or 3xx; {@code expectBody} null = any; {@code minDays} 0 = no
     * expiry check; {@code udpSend}/{@code udpExpect} for udp:// targets.
     */
    /**
     * {@code proxies}: for tcp:// and TLS targets (--proxy only); {@code httpProxies}: for http(s) targets (--proxy, else the
     * proxy variables); {@code proxyTls}: TLS to an https:// proxy, or null; {@code wiretap}: where the probes are
     * captured (--pcap), or {@link Wiretap#NONE}.
     */
    public record Options(long timeoutMillis, IntRange expectStatus, Pattern expectBody, int minDays, TlsClient.Config tls,
            byte[] udpSend, String udpExpect, Proxies proxies, Proxies httpProxies, ProxyTls proxyTls, NamePins pins, Wiretap wiretap) {
    }

    /** An inclusive range of HTTP status codes ({@code 200}, {@code 200-299}). */
    public record IntRange(int from, int to) {
        public static IntRange parse(String text) {
            String[] parts = text.split("-", 2);
            try {
                int from = Integer.parseInt(parts[0].strip());
                int to = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : from;
                if (from < 100 || to > 599 || from > to) {
                    throw new NumberFormatException();
                }
                return new IntRange(from, to);
            } catch (NumberFormatException e) {
                throw NkException.usage("--expect-status: expected a code or a range like 200-299, not '" + text + "'");
            }
        }

        boolean contains(int code) {
            return code >= from && code <= to;
        }
    }

    private final Options options;
    private TlsClient tls;

    public Prober(Options options) {
        this.options = options;
    }

    /** Made on the first TLS or https probe: TLS classes load only for TLS work. */
    private synchronized TlsClient tls() {
        if (tls == null) {
            tls = new TlsClient(options.tls());
        }
        return tls;
    }

    public ProbeResult probe(Target target) {
        long start = System.nanoTime();
        long at = System.currentTimeMillis();
        try {
            return switch (target.kind()) {
                case TCP -> tcp(target, start, at);
                case HTTP -> http(target, start, at);
                case TLS -> tls(target, start, at);
                case UDP -> udp(target, start, at);
            };
        } catch (NkException e) {
            return new ProbeResult(target, false, e.getMessage(), e.phase(), Timings.NONE.withTotal(System.nanoTime() - start), 0, 0, at);
        } catch (Exception e) {
            return new ProbeResult(target, false, String.valueOf(e.getMessage()), null, Timings.NONE.withTotal(System.nanoTime() - start), 0, 0, at);
        }
    }

    private Dialer dialer() {
        return new Dialer(new DialOptions(options.timeoutMillis(), IpVersion.ANY, options.proxies(), options.proxyTls(), options.pins(), null, null,
                options.wiretap()));
    }

    private Dialer httpDialer() {
        return new Dialer(new DialOptions(options.timeoutMillis(), IpVersion.ANY, options.httpProxies(), options.proxyTls(), options.pins(), null,
                null, options.wiretap()));
    }

    private ProbeResult tcp(Target target, long start, long at) {
        try (Conn conn = dialer().dial(target.endpoint())) {
            return new ProbeResult(target, true, null, null, conn.timings().withTotal(System.nanoTime() - start), 0, 0, at);
        }
    }

    private ProbeResult tls(Target target, long start, long at) {
        try (Conn raw = dialer().dial(target.endpoint())) {
            StartTls startTls = target.startTls() == null ? null : new StartTls(target.startTls(), line -> { });
            TlsClient.Session session = tls().handshake(raw, target.endpoint(), options.tls().handshakeTimeoutMillis(), startTls);
            try (Conn conn = session.conn()) {
                long expires = earliestExpiry(session.path() != null ? session.path() : session.chain());
                Timings t = conn.timings().withTotal(System.nanoTime() - start);
                String problem = expiryProblem(expires);
                return new ProbeResult(target, problem == null, problem, problem == null ? null : "tls", t, 0, expires, at);
            }
        }
    }

    private ProbeResult http(Target target, long start, long at) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] status = new int[1];
        try (HttpClient client = new HttpClient(new HttpClient.Config(httpDialer(), this::tls, List.of(), "nk-monitor", null, false, false, 0,
                false, options.timeoutMillis(), options.timeoutMillis(), false, "--timeout", false))) {
            HttpClient.Result result = client.get(target.url(), (url, head) -> {
                status[0] = head.status();
                return options.expectBody() == null ? OutputStream.nullOutputStream() : new Bounded(body, 1 << 20);
            }, RequestLog.NONE);
            Timings t = result.last().timings().withTotal(System.nanoTime() - start);
            int code = result.last().head().status();
            boolean statusOk = options.expectStatus() == null ? code >= 200 && code < 400 : options.expectStatus().contains(code);
            String problem = statusOk ? null : "HTTP " + code;
            if (problem == null && options.expectBody() != null
                    && !options.expectBody().matcher(body.toString(StandardCharsets.UTF_8)).find()) {
                problem = "body does not match '" + options.expectBody().pattern() + "'";
            }
            return new ProbeResult(target, problem == null, problem, problem == null ? null : "check", t, code, 0, at);
        }
    }

    private ProbeResult udp(Target target, long start, long at) throws Exception {
        if (options.udpSend() == null) {
            throw NkException.usage("udp:// targets need --send (and usually --expect)");
        }
        InetSocketAddress address = new InetSocketAddress(dialer().resolve(target.endpoint(),
                System.nanoTime() + options.timeoutMillis() * 1_000_000).getFirst(), target.endpoint().port());
        try (UdpClient client = UdpClient.connect(address)) {
            client.capture(options.wiretap());
            ExpectMatcher expect = options.udpExpect() == null ? null : new ExpectMatcher(options.udpExpect());
            UdpClient.Result r = client.run(DatagramSource.of(List.of(options.udpSend())),
                    new UdpClient.Options(expect == null ? 1 : 0, expect, options.timeoutMillis()), (payload, from, rtt) -> { });
            boolean up = r.outcome() == UdpClient.Outcome.MATCHED || (expect == null && r.outcome() == UdpClient.Outcome.COUNT_REACHED);
            String problem = up ? null : switch (r.outcome()) {
                case PORT_UNREACHABLE -> "port unreachable";
                case TIMED_OUT -> r.received() == 0 ? "no reply" : "no reply matched";
                default -> "no reply matched";
            };
            return new ProbeResult(target, up, problem, up ? null : "first-byte", Timings.NONE.withTotal(System.nanoTime() - start), 0, 0, at);
        }
    }

    private static long earliestExpiry(List<X509Certificate> chain) {
        long earliest = 0;
        for (X509Certificate c : chain) {
            long t = c.getNotAfter().getTime() / 1000;
            earliest = earliest == 0 ? t : Math.min(earliest, t);
        }
        return earliest;
    }

    private String expiryProblem(long expiresAt) {
        if (options.minDays() <= 0 || expiresAt == 0) {
            return null;
        }
        long days = (expiresAt - System.currentTimeMillis() / 1000) / 86_400;
        return days < options.minDays() ? "certificate expires in " + days + " days (--min-days " + options.minDays() + ")" : null;
    }

    /** Keeps at most {@code limit} bytes of a body for --expect-body. */
    private static final class Bounded extends OutputStream {
        private final ByteArrayOutputStream into;
        private final int limit;

        Bounded(ByteArrayOutputStream into, int limit) {
            this.into = into;
            this.limit = limit;
        }

        @Override
        public void write(int b) {
            if (into.size() < limit) {
                into.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            into.write(b, off, Math.min(len, Math.max(0, limit - into.size())));
        }
    }
}
