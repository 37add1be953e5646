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
import dev.netknife.term.HttpResultView;
import dev.netknife.term.JsonResult;
import dev.netknife.term.ProgressBar;
import dev.netknife.term.Sanitizer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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
                inv.err().println("nk: http-get: " + HttpResultView.timingLine(timings, last.timings().totalNanos()) + (last.reused() ? " (connection reused)" : ""));
            }
            if (inv.json()) {
                inv.result(JsonResult.of(HttpGetCommand.NAME, url.toString(), failure == null ? ExitCode.OK : ExitCode.ASSERTION, failure, timings)
                        .put("http", HttpResultView.json(result)));
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
}
