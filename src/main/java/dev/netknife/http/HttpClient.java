package dev.netknife.http;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Conn;
import dev.netknife.io.Dialer;
import dev.netknife.io.IdleWatch;
import dev.netknife.io.Timings;
import dev.netknife.tls.TlsClient;
import dev.netknife.tls.TlsConn;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * An HTTP/1.1 client for GET and HEAD on the I/O layer: keep-alive connections pooled per origin
 * (several URLs in one run reuse them), redirects with credentials kept to their origin, gzip and
 * deflate, and timeouts that say which phase ran out.
 */
public final class HttpClient implements AutoCloseable {

    /**
     * {@code headers}: user headers (an empty value removes a default), all but Accept* and
     * User-Agent for the first origin only; {@code basicAuth}: an Authorization value for the
     * first origin only; {@code tls}: made on the first https URL.
     * {@code maxTimeMillis} bounds each URL (redirects included), {@code idleTimeoutMillis} each wait for bytes.
     */
    public record Config(Dialer dialer, Supplier<TlsClient> tls, List<HttpHeaders.Field> headers, String userAgent,
            String basicAuth, boolean compressed, boolean followRedirects, int maxRedirects, boolean allowDowngrade,
            long maxTimeMillis, long idleTimeoutMillis, boolean head, String maxTimeOption, boolean proxyTunnel) {
    }

    /** Where a final response's body goes: called once with the head, before any body byte. */
    @FunctionalInterface
    public interface Sink {
        OutputStream open(HttpUrl url, ResponseHead head) throws IOException;
    }

    /** One request and its response. */
    public record Exchange(HttpUrl url, String method, ResponseHead head, long bodyBytes, Timings timings, boolean reused) {
    }

    /** A URL fetched: every hop (redirects first, the final response last). */
    public record Result(List<Exchange> hops) {
        public Exchange last() {
            return hops.getLast();
        }
    }

    /** One connection and its buffered reader. */
    /** {@code forward}: the HTTP proxy this connection goes to, which takes absolute-form requests; null when it goes to the origin. */
    private record Connection(Conn conn, HttpInput input, dev.netknife.io.Proxy forward) {
    }

    /** The user headers that go to every origin on a redirect; all others stay with the first URL's. */
    private static final Set<String> FOLLOWS_REDIRECTS = Set.of("accept", "accept-encoding", "accept-language", "user-agent");

    private final Config config;
    private final ConnectionPool<Connection> idle = new ConnectionPool<>(c -> c.conn().close());
    private final IdleWatch idleWatch;
    private TlsClient tls;
    /** One body buffer per client; a client serves one thread (--parallel gives each worker its own). */
    private byte[] copyBuffer;
    private java.nio.ByteBuffer transferBuffer;

    public HttpClient(Config config) {
        this.config = config;
        this.idleWatch = config.idleTimeoutMillis() > 0 ? new IdleWatch(config.idleTimeoutMillis()) : null;
    }

    /** Fetches one URL (following redirects if configured); the final body goes to {@code sink}. */
    public Result get(HttpUrl start, Sink sink, RequestLog log) {
        List<Exchange> hops = new ArrayList<>();
        HttpUrl url = start;
        boolean sameOrigin = true;
        long deadline = config.maxTimeMillis() > 0 ? System.nanoTime() + config.maxTimeMillis() * 1_000_000 : 0;
        while (true) {
            boolean follow = config.followRedirects();
            Exchange ex = exchange(url, sameOrigin, deadline, log, (u, head) -> follow && isRedirect(head) ? null : sink.open(u, head));
            hops.add(ex);
            ResponseHead head = ex.head();
            if (!follow || !isRedirect(head)) {
                return new Result(hops);
            }
            if (hops.size() > config.maxRedirects()) {
                throw new NkException(ExitCode.PROTOCOL, null, "too many redirects: more than " + config.maxRedirects()
                        + " (--max-redirs) (" + start + ")", null);
            }
            HttpUrl next;
            try {
                next = url.resolve(head.headers().first("Location"));
            } catch (NkException e) {
                throw new NkException(ExitCode.PROTOCOL, null, "cannot follow the redirect: " + e.getMessage() + " (" + url.endpoint() + ")", e);
            }
            if (url.https() && !next.https() && !config.allowDowngrade()) {
                throw new NkException(ExitCode.FAILURE, null, "refusing to follow a redirect from https to http (" + next
                        + "); --allow-downgrade permits it", null);
            }
            sameOrigin = sameOrigin && next.origin().equals(start.origin());
            url = next;
        }
    }

    private static boolean isRedirect(ResponseHead head) {
        int s = head.status();
        return (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && head.headers().has("Location");
    }

    /** One request, retried once on a fresh connection when a pooled one turns out to be closed. */
    private Exchange exchange(HttpUrl url, boolean sameOrigin, long deadline, RequestLog log, Sink sink) {
        Connection pooled = idle.take(url.origin());
        if (pooled != null && unsolicited(pooled)) {
            pooled.conn().close();
            pooled = null;
        }
        if (pooled != null) {
            Exchange ex = tryExchange(pooled, true, url, sameOrigin, deadline, log, sink);
            if (ex != null) {
                return ex;
            }
        }
        Connection fresh = connect(url, deadline);
        return tryExchange(fresh, false, url, sameOrigin, deadline, log, sink);
    }

    /**
     * Bytes that arrived after a complete response, before any request asked for them: read as
     * the next response they would answer a request they do not belong to, so the connection goes.
     */
    private static boolean unsolicited(Connection c) {
        try {
            return c.conn().available() > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** Dials (and handshakes for https) within the connect timeout and what is left of --max-time, whichever ends first. */
    private Connection connect(HttpUrl url, long deadline) {
        if (url.https() && tls == null) {
            tls = config.tls().get(); // starts loading the CA store while we dial
        }
        Dialer dialer = config.dialer();
        long left = millisLeft(deadline, url, "while connecting");
        boolean maxTimeFirst = left < dialer.connectTimeoutMillis();
        Conn conn;
        dev.netknife.io.Proxy forward = url.https() || config.proxyTunnel() ? null : dialer.forwardProxy(url.endpoint());
        try {
            Dialer within = maxTimeFirst ? dialer.withConnectTimeout(left) : dialer;
            conn = forward != null ? within.dialProxy(forward) : within.dial(url.endpoint(), url.https());
        } catch (NkException e) {
            throw maxTimeFirst && e.exitCode() == ExitCode.TIMEOUT ? maxTimeRanOut(url, "while connecting") : e;
        }
        if (url.https()) {
            left = millisLeft(deadline, url, "while connecting");
            maxTimeFirst = left < tls.config().handshakeTimeoutMillis();
            TlsConn tlsConn;
            try {
                tlsConn = tls.handshake(conn, url.endpoint(), Math.min(left, tls.config().handshakeTimeoutMillis())).conn();
            } catch (NkException e) {
                throw maxTimeFirst && e.exitCode() == ExitCode.TIMEOUT ? maxTimeRanOut(url, "during the TLS handshake") : e;
            }
            tlsConn.setReadAhead(true); // the response is read to its end before anything else is sent
            conn = tlsConn;
        }
        return new Connection(conn, new HttpInput(conn), forward);
    }

    private long millisLeft(long deadline, HttpUrl url, String when) {
        if (deadline == 0) {
            return Long.MAX_VALUE;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw maxTimeRanOut(url, when);
        }
        return left;
    }

    private NkException maxTimeRanOut(HttpUrl url, String when) {
        return NkException.timeout("total", config.maxTimeOption() + " ran out " + when + " (" + url.endpoint() + ")");
    }

    /** Null when a reused connection was already closed by the server (nothing of a response came). */
    private Exchange tryExchange(Connection c, boolean reused, HttpUrl url, boolean sameOrigin, long deadline, RequestLog log, Sink sink) {
        String method = config.head() ? "HEAD" : "GET";
        ExchangeTimer timer = new ExchangeTimer(c.conn(), deadline, idleWatch);
        long start = System.nanoTime();
        ResponseHead head;
        try {
            byte[] request = request(url, method, sameOrigin, c.forward());
            log.request(new String(request, StandardCharsets.ISO_8859_1));
            c.conn().write(ByteBuffer.wrap(request));
            head = ResponseHead.read(c.input());
            int interim = 0;
            while (head != null && head.status() >= 100 && head.status() < 200 && head.status() != 101) {
                if (++interim > HttpLimits.MAX_INTERIM) {
                    throw HttpInput.protocol("more than " + HttpLimits.MAX_INTERIM + " interim (1xx) responses");
                }
                head = ResponseHead.read(c.input(), true);
            }
        } catch (IOException | NkException e) {
            c.conn().close();
            timer.stop();
            if (reused && !(e instanceof NkException)) {
                return null;
            }
            throw failure(e, timer, url, false);
        }
        if (head == null) {
            c.conn().close();
            timer.stop();
            if (reused) {
                return null;
            }
            throw new NkException(ExitCode.PROTOCOL, "first-byte", "the server closed the connection without a response (" + url.endpoint() + ")", null);
        }
        if (head.status() == 101) {
            c.conn().close();
            timer.stop();
            throw new NkException(ExitCode.PROTOCOL, null, "the server switched protocols (101), which http-get does not speak (" + url.endpoint() + ")", null);
        }
        long firstByte = System.nanoTime() - start;
        log.response(head);
        long bytes;
        boolean complete;
        Framing framing;
        try {
            framing = Framing.of(head, method);
            BodyStream body = framing.open(c.input(), head);
            OutputStream out = sink.open(url, head);
            InputStream decoded = framing == Framing.NONE ? body : decoded(body, head);
            Long moved = decoded == body && out instanceof dev.netknife.io.ChannelOutput channelOut
                    ? body.transferTo(SinkFailure.guard(channelOut.channel()), transferBuffer()) : null;
            bytes = moved != null ? moved : copy(decoded, out == null ? OutputStream.nullOutputStream() : SinkFailure.guard(out));
            complete = body.complete();
        } catch (IOException | NkException e) {
            c.conn().close();
            timer.stop();
            throw failure(e, timer, url, true);
        } catch (SinkFailure e) {
            c.conn().close();
            timer.stop();
            throw e;
        }
        timer.stop();
        if (complete && head.keepAlive() && !c.input().hasBuffered() && framing != Framing.UNTIL_CLOSE) {
            idle.put(url.origin(), c);
        } else {
            c.conn().close();
        }
        Timings base = reused ? Timings.NONE : c.conn().timings();
        return new Exchange(url, method, head, bytes, base.withFirstByte(firstByte).withTotal(System.nanoTime() - start), reused);
    }

    /** {@code forward}: an HTTP proxy taking the request (absolute-form target, RFC 9112 3.2.2, and its own credentials), or null. */
    private byte[] request(HttpUrl url, String method, boolean sameOrigin, dev.netknife.io.Proxy forward) {
        HttpHeaders h = new HttpHeaders();
        h.add("Host", url.hostHeader());
        h.add("User-Agent", config.userAgent());
        h.add("Accept", "*/*");
        if (config.compressed()) {
            h.add("Accept-Encoding", "gzip, deflate");
        }
        String auth = url.userInfo() != null ? url.basicAuthorization() : config.basicAuth();
        if (auth != null && sameOrigin) {
            h.add("Authorization", auth);
        }
        for (HttpHeaders.Field f : config.headers()) {
            if (!sameOrigin && !FOLLOWS_REDIRECTS.contains(f.name().toLowerCase(Locale.ROOT))) {
                continue; // a user header may carry a credential by any name (X-Api-Key, a spoofed Host): first origin only
            }
            h.remove(f.name());
            if (!f.value().isEmpty()) {
                h.add(f.name(), f.value());
            }
        }
        if (forward != null && forward.user() != null) {
            h.add("Proxy-Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (forward.user() + ":" + forward.password()).getBytes(StandardCharsets.UTF_8)));
        }
        String target = forward != null ? url.scheme() + "://" + url.hostHeader() + url.target() : url.target();
        StringBuilder text = new StringBuilder(256).append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (HttpHeaders.Field f : h.fields()) {
            text.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** URL user info as curl reads it: a user without a password has an empty one. */
    private InputStream decoded(BodyStream body, ResponseHead head) throws IOException {
        String encoding = head.headers().first("Content-Encoding");
        boolean empty = Framing.contentLength(head) == 0;
        if (!config.compressed() || encoding == null || empty) {
            return body;
        }
        return switch (HttpHeaders.trimOws(encoding).toLowerCase(Locale.ROOT)) {
            case "gzip", "x-gzip" -> new GZIPInputStream(body, 64 * 1024);
            case "deflate" -> new InflaterInputStream(body);
            default -> body;
        };
    }

    private java.nio.ByteBuffer transferBuffer() {
        if (transferBuffer == null) {
            transferBuffer = java.nio.ByteBuffer.allocateDirect(256 * 1024);
        }
        return transferBuffer;
    }

    private long copy(InputStream in, OutputStream out) throws IOException {
        if (copyBuffer == null) {
            copyBuffer = new byte[64 * 1024];
        }
        byte[] buffer = copyBuffer;
        long total = 0;
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            if (n > 0) {
                out.write(buffer, 0, n);
                total += n;
            }
        }
        return total;
    }

    private NkException failure(Exception e, ExchangeTimer timer, HttpUrl url, boolean gotHead) {
        if (timer.expiredPhase() != null) {
            return NkException.timeout(timer.expiredPhase().equals("idle") && !gotHead ? "first-byte" : timer.expiredPhase(),
                    (timer.expiredPhase().equals("total") ? config.maxTimeOption() + " ran out" : "no data for " + dev.netknife.io.Durations.format(config.idleTimeoutMillis()))
                            + (gotHead ? " while reading the body" : " while waiting for the response") + " (" + url.endpoint() + ")");
        }
        if (e instanceof NkException nk) {
            return nk.exitCode() == ExitCode.PROTOCOL && !nk.getMessage().contains(url.endpoint().toString())
                    ? new NkException(ExitCode.PROTOCOL, nk.phase(), nk.kind(), nk.getMessage() + " (" + url.endpoint() + ")", nk)
                    : nk;
        }
        if (e instanceof java.util.zip.ZipException) {
            return new NkException(ExitCode.PROTOCOL, null, "bad compressed body: " + e.getMessage() + " (" + url.endpoint() + ")", e);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("reset")) {
            return new NkException(ExitCode.PROTOCOL, null, "the server reset the connection " + (gotHead ? "in the middle of the body" : "before responding")
                    + " (" + url.endpoint() + ")", e);
        }
        return new NkException(ExitCode.FAILURE, null, message + " (" + url.endpoint() + ")", e);
    }

    @Override
    public void close() {
        idle.close();
        if (idleWatch != null) {
            idleWatch.close();
        }
    }
}
