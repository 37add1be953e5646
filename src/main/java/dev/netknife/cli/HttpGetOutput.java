package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.http.HttpClient;
import dev.netknife.http.HttpHeaders;
import dev.netknife.http.HttpUrl;
import dev.netknife.http.RequestLog;
import dev.netknife.http.SinkFailure;
import dev.netknife.http.ResponseHead;
import dev.netknife.io.AtomicFile;
import dev.netknife.io.Timings;
import dev.netknife.term.Json;
import dev.netknife.term.JsonResult;
import dev.netknife.term.ProgressBar;
import dev.netknife.term.Sanitizer;
import dev.netknife.term.Units;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where http-get's bodies, heads, logs and results go for one run: stdout, files, stderr, JSON. */
final class HttpGetOutput {
    private final Invocation inv;
    private final String outputFile;
    private final boolean remoteName;
    private final boolean includeHead;
    private final boolean fail;
    private final boolean timing;
    private final boolean progress;
    private final OutputStream stdout;

    HttpGetOutput(Invocation inv, String outputFile, boolean remoteName, boolean includeHead, boolean fail, boolean timing) {
        this.inv = inv;
        this.outputFile = outputFile;
        this.remoteName = remoteName;
        this.includeHead = includeHead;
        this.fail = fail;
        this.timing = timing;
        this.progress = inv.ttys().stderr() && !inv.quiet() && !inv.json();
        this.stdout = inv.data();
    }

    void fetch(HttpClient client, HttpUrl url) {
        AtomicFile[] file = new AtomicFile[1];
        ProgressBar[] bar = new ProgressBar[1];
        long start = System.nanoTime();
        try {
            HttpClient.Result result = client.get(url, (u, head) -> open(u, head, file, bar), log());
            HttpClient.Exchange last = result.last();
            if (file[0] != null) {
                file[0].commit();
            }
            if (bar[0] != null) {
                bar[0].finish();
            }
            NkException failure = fail && last.head().status() >= 400
                    ? new NkException(ExitCode.ASSERTION, null, "HTTP " + last.head().status()
                            + (last.head().reason().isEmpty() ? "" : " " + Sanitizer.clean(last.head().reason())) + " (" + last.url() + ")", null)
                    : null;
            Timings timings = last.timings().withTotal(System.nanoTime() - start);
            if (timing) {
                inv.err().println("nk: http-get: " + timingLine(timings, last.timings().totalNanos()) + (last.reused() ? " (connection reused)" : ""));
            }
            if (inv.json()) {
                inv.result(JsonResult.of(HttpGetCommand.NAME, url.toString(), failure == null ? ExitCode.OK : ExitCode.ASSERTION, failure, timings)
                        .put("http", http(result)));
            }
            if (failure != null) {
                throw failure;
            }
        } catch (SinkFailure e) {
            if (file[0] == null && "stdout was closed".equals(e.getMessage())) {
                throw new StdoutClosed();
            }
            throw reported(url, writeFailure(e), start);
        } catch (IOException e) {
            throw reported(url, writeFailure(e), start);
        } catch (NkException e) {
            throw reported(url, e, start);
        } finally {
            if (file[0] != null) {
                file[0].close();
            }
            inv.out().flush();
        }
    }

    /** The reader of stdout went away ({@code | head}): stop quietly, as connect does. */
    static final class StdoutClosed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StdoutClosed() {
            super(null, null, false, false);
        }
    }

    private static NkException writeFailure(Exception e) {
        return new NkException(ExitCode.FAILURE, null, "cannot write the body: " + e.getMessage(), e);
    }

    /** Prints the JSON error result for this URL (--fail's result, exit 7, was printed with the response). */
    private NkException reported(HttpUrl url, NkException e, long start) {
        if (inv.json() && e.exitCode() != ExitCode.ASSERTION) {
            inv.result(JsonResult.of(HttpGetCommand.NAME, url.toString(), e.exitCode(), e, Timings.NONE.withTotal(System.nanoTime() - start)));
        }
        return e;
    }

    private OutputStream open(HttpUrl url, ResponseHead head, AtomicFile[] file, ProgressBar[] bar) throws IOException {
        if (includeHead && !inv.json()) {
            stdout.write(headText(head).getBytes(StandardCharsets.ISO_8859_1));
        }
        String name = outputFile != null ? outputFile : remoteName ? remoteFileName(url) : null;
        if (name != null && fail && head.status() >= 400) {
            return OutputStream.nullOutputStream(); // as curl -f: an error page never replaces (or creates) the file
        }
        if (name != null) {
            try {
                file[0] = AtomicFile.create(Path.of(name));
            } catch (IOException e) {
                throw new NkException(ExitCode.FAILURE, null, "cannot write " + name + ": " + e.getMessage(), e);
            }
            if (progress) {
                bar[0] = new ProgressBar(inv.err(), name, contentLength(head));
                return bar[0].counting(file[0].stream());
            }
            return file[0].stream();
        }
        return inv.json() ? OutputStream.nullOutputStream() : stdout;
    }

    private static long contentLength(ResponseHead head) {
        String value = head.headers().first("Content-Length");
        try {
            return value == null || head.headers().has("Content-Encoding") ? -1 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String remoteFileName(HttpUrl url) {
        String name = url.fileName();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw NkException.usage("-O: no file name in " + url + "; use -o FILE");
        }
        return java.net.URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8).replace('/', '_');
    }

    private static String headText(ResponseHead head) {
        StringBuilder s = new StringBuilder().append(head.version()).append(' ').append(head.status());
        if (!head.reason().isEmpty()) {
            s.append(' ').append(head.reason());
        }
        s.append("\r\n");
        for (HttpHeaders.Field f : head.headers().fields()) {
            s.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        return s.append("\r\n").toString();
    }

    private RequestLog log() {
        if (!inv.verbose() || inv.quiet()) {
            return RequestLog.NONE;
        }
        return new RequestLog() {
            @Override
            public void request(String head) {
                for (String line : head.split("\r\n")) {
                    inv.err().println("> " + Sanitizer.clean(line));
                }
                inv.err().println(">");
            }

            @Override
            public void response(ResponseHead head) {
                for (String line : headText(head).split("\r\n")) {
                    inv.err().println("< " + Sanitizer.clean(line));
                }
                inv.err().println("<");
            }
        };
    }

    /**
     * The phases in the order they happen, adding up to the total: dns, connect, tls, first-byte (request sent
     * to the response's first byte), transfer (the body), and other: what the rest was (TLS and CA set-up,
     * earlier redirect hops). {@code exchangeNanos}: the last request's own time, request to the body's end.
     */
    static String timingLine(Timings t, long exchangeNanos) {
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

    private static Json http(HttpClient.Result result) {
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
