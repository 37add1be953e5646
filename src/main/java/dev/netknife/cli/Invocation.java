package dev.netknife.cli;

import dev.netknife.capture.Capture;
import dev.netknife.io.Timings;
import dev.netknife.io.Wiretap;
import dev.netknife.term.Json;
import dev.netknife.term.Sanitizer;
import dev.netknife.term.Style;
import dev.netknife.term.Ttys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What one run of a subcommand talks to: its standard streams (injected, so tests capture them),
 * the global options, and the environment. stdout is data, stderr is talk.
 */
public final class Invocation {
    private final String command;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final GlobalOptions globals;
    private final Map<String, String> env;
    private final Ttys ttys;
    private final long startNanos = System.nanoTime();
    private Style style;
    private volatile boolean resultPrinted;
    private volatile boolean jsonOnStderr;
    private volatile String target;
    private volatile Timings timings = Timings.NONE;
    private volatile Capture capture;

    public Invocation(String command, InputStream in, PrintStream out, PrintStream err, GlobalOptions globals,
            Map<String, String> env, Ttys ttys) {
        this.command = command;
        this.in = in;
        this.out = out;
        this.err = err;
        this.globals = globals;
        this.env = env;
        this.ttys = ttys;
    }

    /** The command's --pcap capture, or null. */
    public Capture capture() {
        return capture;
    }

    void capture(Capture capture) {
        this.capture = capture;
    }

    /** The capture interface {@code name} (added on first use), or {@link Wiretap#NONE} without --pcap. */
    public Wiretap wiretap(String name, String description) {
        Capture c = capture;
        return c == null ? Wiretap.NONE : c.tap(name, description);
    }

    public String command() {
        return command;
    }

    /** What the command talks to, for the JSON result of a failure ({@code HOST:PORT}, a URL). */
    public void target(String target) {
        this.target = target;
    }

    public String target() {
        return target;
    }

    /** The phases measured so far (DNS, connect, TLS), for the JSON result of a failure. */
    public void timings(Timings timings) {
        this.timings = timings;
    }

    /** The phases measured so far, with the total time since the command started. */
    public Timings timingsSoFar() {
        return timings.withTotal(System.nanoTime() - startNanos);
    }

    public InputStream in() {
        return in;
    }

    public PrintStream out() {
        return out;
    }

    /**
     * stdout for payload bytes. A PrintStream swallows write errors, so this checks after large
     * writes and on every flush and throws once the reader is gone ({@code | head}), letting a
     * download or relay stop instead of carrying on into nothing. Small writes are checked at the
     * next flush (checking flushes), so writers of many small pieces flush when their input pauses.
     * When stdout is a terminal the bytes are shown through {@link Sanitizer#terminal}; otherwise they pass as they are.
     */
    public OutputStream data() {
        OutputStream checked = new OutputStream() {
            @Override
            public void write(int b) {
                out.write(b); // checked at the next flush: checkError() flushes, which small writes must not pay for
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                if (len >= 8192) {
                    check(); // a large write went through to the file descriptor already; checking costs no extra flush
                }
            }

            @Override
            public void flush() throws IOException {
                out.flush();
                check();
            }

            private void check() throws IOException {
                if (out.checkError()) {
                    throw new IOException("stdout was closed");
                }
            }
        };
        return ttys.stdout() ? Sanitizer.terminal(checked) : checked; // data is data, but a terminal would obey it
    }

    public PrintStream err() {
        return err;
    }

    public GlobalOptions globals() {
        return globals;
    }

    public boolean json() {
        return globals.json();
    }

    public boolean verbose() {
        return globals.verbose();
    }

    public boolean quiet() {
        return globals.quiet();
    }

    /** Which standard streams are terminals. */
    public Ttys ttys() {
        return ttys;
    }

    public Map<String, String> env() {
        return env;
    }

    public synchronized Style style() {
        if (style == null) {
            style = Style.decide(globals.color(), env, ttys.stdout());
        }
        return style;
    }

    /** A line of talk on stderr ({@code nk: command: ...}), unless {@code -q}; remote text in it is shown, not obeyed. */
    public void info(String message) {
        if (!globals.quiet()) {
            err.println("nk: " + command + ": " + Sanitizer.cleanLines(message));
        }
    }

    /** A line on stderr only with {@code -v}. */
    public void verboseInfo(String message) {
        if (globals.verbose() && !globals.quiet()) {
            err.println("nk: " + command + ": " + Sanitizer.cleanLines(message));
        }
    }

    /** One JSON line on stdout. */
    public void json(Json object) {
        PrintStream to = jsonStream();
        synchronized (to) {
            to.println(object);
            to.flush();
        }
    }

    /**
     * For a command whose stdout carries payload (connect's relay): its JSON events and result go to stderr,
     * so stdout stays the peer's bytes and every JSON line is on a stream of its own.
     */
    public void jsonToStderr() {
        jsonOnStderr = true;
    }

    /** Where JSON lines go: stdout, or stderr after {@link #jsonToStderr}. */
    public PrintStream jsonStream() {
        return jsonOnStderr ? err : out;
    }

    /** The command's JSON result object on stdout; the root then prints no generic error object. */
    public void result(Json object) {
        resultPrinted = true;
        json(object);
    }

    public boolean resultPrinted() {
        return resultPrinted;
    }

    /** One plain line of data on stdout, flushed. */
    public void data(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
