package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.http.HttpClient;
import dev.netknife.http.ParallelFetch;
import dev.netknife.http.HttpUrl;
import dev.netknife.http.RequestHeaders;
import dev.netknife.io.AtomicFile;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.Once;
import dev.netknife.term.Sanitizer;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nk http-get}: curl's GET, on nk's own HTTP/1.1 client. */
final class HttpGetCommand implements NkCommand {
    static final String NAME = "http-get";
    static final String SUMMARY = "HTTP/1.1 GET (http and https) on nk's own client: redirects, keep-alive, gzip, timings.";

    /** With nothing said, a silent server gives up after this long. */
    private static final long DEFAULT_IDLE_MILLIS = 60_000;

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Specs.command(NAME, SUMMARY,
                "nk http-get [-o FILE | -O] [-L] [-H 'K: V'] [-i] [-I] [-f] [-s] [-k] [--timing] [--compressed] [--max-time DUR] [--cacert FILE] URL...");
        spec.addOption(Specs.option("FILE", "Write the body to FILE (via a temporary file renamed when complete; - is stdout); one URL.", "-o", "--output"));
        spec.addOption(Specs.flag("Write each body to a file named like the URL's last path segment.", "-O", "--remote-name"));
        spec.addOption(Specs.flag("Follow redirects (301/302/303 become GET, 307/308 keep the method).", "-L", "--location"));
        spec.addOption(Specs.option("N", "At most N redirects (default 20).", "--max-redirs"));
        spec.addOption(Specs.repeatable("'K: V'", "Extra request header (repeatable); 'K:' with no value removes a default one.", "-H", "--header"));
        spec.addOption(Specs.flag("Print the response head before the body.", "-i", "--include"));
        spec.addOption(Specs.flag("HEAD request: print the response head only.", "-I", "--head"));
        spec.addOption(Specs.flag("Exit 7 when the status is 400 or more; the error body still goes to stdout, but never to -o/-O files (an existing file is left as it was).", "-f", "--fail"));
        spec.addOption(Specs.flag("As curl -s: no progress bar and nothing on stderr but errors (as -q).", "-s", "--silent"));
        spec.addOption(Specs.flag("As curl -S (with -s): errors are shown; nk always shows them, so -sS is -s.", "-S", "--show-error"));
        spec.addOption(Specs.flag("Print the phases on stderr, adding up to the total: dns (- for an address), connect, tls, first-byte, transfer, other (set-up, earlier redirects).", "--timing"));
        spec.addOption(Specs.flag("Ask for gzip or deflate and decode it.", "--compressed"));
        spec.addOption(Specs.option("USER:PASSWORD", "Basic authentication (sent to the first URL's origin only).", "-u", "--user"));
        spec.addOption(Specs.option("TEXT", "User-Agent header (default nk/VERSION).", "-A", "--user-agent"));
        spec.addOption(Specs.flag("Follow a redirect from https to http (refused by default).", "--allow-downgrade"));
        spec.addOption(Specs.option("N", "Fetch the URLs with N connections at once (bodies to stdout may then interleave; use -O).", "--parallel"));
        spec.addOption(Specs.option("DUR", "Give up on a URL after DUR in all (redirects included); exit 124, phase total.", "--max-time"));
        spec.addOption(Specs.option("DUR", "Give up when no byte arrives for DUR (default 60s); exit 124, phase first-byte or idle.", "--idle-timeout"));
        TlsOptions.addClient(spec, true);
        DialArgs.add(spec);
        spec.addOption(Specs.flag("http:// URLs through an HTTP proxy go in a CONNECT tunnel too (curl -p); by default the proxy takes the"
                + " request itself, as curl sends it.", "--proxytunnel", "-p"));
        CaptureArgs.add(spec);
        spec.addPositional(Specs.positionals("0..*", "1..*", "URL", "http:// or https:// URLs; several reuse connections per origin."));
        spec.usageMessage().footer(
                "The body goes to stdout unchanged (binary safe; on a terminal control characters are shown escaped) unless -o/-O. With --json one result object per URL goes to stdout "
                        + "and a body without -o/-O is read and counted, not printed.",
                "A short body, a bad chunk, a garbled status line or a header block over 64 KiB is exit 6.");
        return spec;
    }

    @Override
    public int run(Args args, Invocation inv) {
        List<HttpUrl> urls = new ArrayList<>();
        for (String text : args.strings0()) {
            urls.add(HttpUrl.parse(text));
        }
        if (args.outputFile("-o") != null && urls.size() > 1) {
            throw NkException.usage("-o takes one URL; use -O to save several");
        }
        if (args.outputFile("-o") != null && args.flag("-O")) {
            throw NkException.usage("-o and -O exclude each other");
        }
        if (args.outputFile("-o") != null) {
            AtomicFile.checkWritable(java.nio.file.Path.of(args.outputFile("-o")), "-o");
        }
        DialOptions dial = DialArgs.options(args, inv, true, DialOptions.DEFAULT_CONNECT_TIMEOUT_MILLIS);
        long connectTimeout = dial.connectTimeoutMillis();
        Dialer dialer = new Dialer(dial);
        HttpClient.Config config = new HttpClient.Config(
                dialer,
                new Once<>(() -> TlsOptions.client(args, inv, connectTimeout)),
                RequestHeaders.parseAll(args.strings("-H")),
                args.string("--user-agent") != null ? args.string("--user-agent") : "nk/" + Model.version(),
                args.string("-u") == null ? null : RequestHeaders.basic(args.string("-u")),
                args.flag("--compressed"),
                args.flag("-L"),
                args.integer("--max-redirs", 20, 0, 1000),
                args.flag("--allow-downgrade"),
                args.millis("--max-time", 0),
                args.millis("--idle-timeout", DEFAULT_IDLE_MILLIS),
                args.flag("-I"),
                "--max-time",
                args.flag("--proxytunnel"));
        HttpGetOutput output = new HttpGetOutput(inv, args.outputFile("-o"), args.flag("-O"), args.flag("-i") || args.flag("-I"),
                args.flag("--fail"), args.flag("--timing"));
        int parallel = Math.min(args.integer("--parallel", 1, 1, 1000), urls.size());
        Outcome outcome = new Outcome(inv, urls.size() > 1);
        java.util.concurrent.atomic.AtomicBoolean stdoutClosed = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            ParallelFetch.run(config, urls, parallel, (client, url) -> {
                try {
                    outcome.fetch(output, client, url);
                    return true;
                } catch (HttpGetOutput.StdoutClosed e) {
                    stdoutClosed.set(true);
                    return false;
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.INTERRUPTED.code();
        }
        if (parallel == 1 && stdoutClosed.get()) {
            return ExitCode.OK.code(); // | head: the reader had what it wanted
        }
        return outcome.code();
    }

    /** The exit code of a run over several URLs: the last failure's; each failure is said as it happens. */
    private static final class Outcome {
        private final Invocation inv;
        private final boolean several;
        private volatile ExitCode worst = ExitCode.OK;

        Outcome(Invocation inv, boolean several) {
            this.inv = inv;
            this.several = several;
        }

        void fetch(HttpGetOutput output, HttpClient client, HttpUrl url) {
            try {
                output.fetch(client, url);
            } catch (NkException e) {
                if (!several || e.exitCode() == ExitCode.USAGE) {
                    throw e;
                }
                worst = e.exitCode();
                inv.err().println("nk: " + NAME + ": " + Sanitizer.clean(e.getMessage()));
            }
        }

        int code() {
            return worst.code();
        }
    }
}
