package dev.netknife.term;

import dev.netknife.http.HttpClient;
import dev.netknife.http.HttpHeaders;
import dev.netknife.io.Timings;
import java.util.ArrayList;
import java.util.List;

/** How an http-get result shows: the --timing line and the JSON http object. */
public final class HttpResultView {
    private HttpResultView() {
    }

    /**
     * The phases in the order they happen, adding up to the total: dns, connect, tls, first-byte (request sent
     * to the response's first byte), transfer (the body), and other: what the rest was (TLS and CA set-up,
     * earlier redirect hops). {@code exchangeNanos}: the last request's own time, request to the body's end.
     */
    public static String timingLine(Timings t, long exchangeNanos) {
        long transfer = exchangeNanos < 0 || t.firstByteNanos() < 0 ? -1 : exchangeNanos - t.firstByteNanos();
        long phases = Math.max(0, t.dnsNanos()) + Math.max(0, t.connectNanos()) + Math.max(0, t.proxyNanos()) + Math.max(0, t.tlsNanos())
                + Math.max(0, t.firstByteNanos()) + Math.max(0, transfer);
        List<String> parts = new ArrayList<>();
        parts.add("dns " + ms(t.dnsNanos()));
        parts.add("connect " + ms(t.connectNanos()));
        if (t.proxyNanos() >= 0) {
            parts.add("proxy " + ms(t.proxyNanos()));
        }
        parts.add("tls " + ms(t.tlsNanos()));
        parts.add("first-byte " + ms(t.firstByteNanos()));
        parts.add("transfer " + ms(transfer));
        parts.add("other " + ms(Math.max(0, t.totalNanos() - phases)));
        parts.add("total " + ms(t.totalNanos()));
        return String.join("  ", parts);
    }

    private static String ms(long nanos) {
        return nanos < 0 ? "-" : Units.millis(nanos);
    }

    /** The http object of http-get's JSON result: the last response, its headers (lower-case names, repeats joined), the redirects. */
    public static Json json(HttpClient.Result result) {
        HttpClient.Exchange last = result.last();
        Json headers = Json.object();
        List<String> seen = new ArrayList<>();
        for (HttpHeaders.Field f : last.head().headers().fields()) {
            String key = f.name().toLowerCase(java.util.Locale.ROOT);
            if (!seen.contains(key)) {
                seen.add(key);
                headers.put(key, String.join(", ", last.head().headers().all(f.name())));
            }
        }
        List<String> redirects = new ArrayList<>();
        for (int i = 0; i < result.hops().size() - 1; i++) {
            redirects.add(result.hops().get(i).url().toString());
        }
        return Json.object()
                .put("url", last.url().toString())
                .put("method", last.method())
                .put("status", last.head().status())
                .put("reason", last.head().reason())
                .put("version", last.head().version())
                .put("headers", headers)
                .put("bytes", last.bodyBytes())
                .put("redirects", redirects)
                .put("connection_reused", last.reused());
    }
}
