package dev.netknife.support;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An nk server running in-process on its own thread, as a user would start it: the test waits
 * for the ready line ({@code HOST:PORT}) on stdout and stops it the way Ctrl-C does (an interrupt).
 */
public final class Background implements AutoCloseable {
    private final Thread thread;
    private final Lines stdout = new Lines();
    private final Lines stderr = new Lines();
    private volatile int code = -1;

    private Background(InputStream stdin, Map<String, String> env, String... args) {
        thread = new Thread(() -> code = NkRun.run(stdin, stdout, stderr, env, args), "nk-" + args[0]);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts {@code nk args...} and waits for its first stdout line (the bound address). */
    public static Background start(String... args) {
        return start(InputStream.nullInputStream(), args);
    }

    public static Background start(InputStream stdin, String... args) {
        return start(stdin, Map.of(), args);
    }

    /** As above, with these environment variables. */
    public static Background start(InputStream stdin, Map<String, String> env, String... args) {
        Background b = new Background(stdin, env, args);
        b.stdout.awaitLines(1, Duration.ofSeconds(10));
        if (b.stdout.lines().length == 0) {
            throw new AssertionError("no ready line from nk " + String.join(" ", args) + "; stderr: " + b.stderr());
        }
        return b;
    }

    /** The bound address: the ready line, or with --json its "listening" event's address. */
    public String address() {
        String ready = stdout.lines()[0];
        if (ready.startsWith("{")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"address\":\"([^\"]+)\"").matcher(ready);
            if (!m.find()) {
                throw new AssertionError("no address in the ready line " + ready);
            }
            return m.group(1);
        }
        return ready;
    }

    public int port() {
        String a = address();
        return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    }

    public String stdout() {
        return stdout.text();
    }

    public String stderr() {
        return stderr.text();
    }

    public Lines stdoutLines() {
        return stdout;
    }

    public Lines stderrLines() {
        return stderr;
    }

    /** Stops the server as Ctrl-C does and returns its exit code. */
    public int stop() throws InterruptedException {
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        if (thread.isAlive()) {
            throw new AssertionError("nk did not stop within 10 s");
        }
        return code;
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        return thread.isAlive() ? -1 : code;
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            stop();
        }
    }

    /** A growing capture of a stream that can be waited on line by line. */
    public static final class Lines extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            notifyAll();
        }

        public synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        public synchronized String[] lines() {
            String t = text();
            if (t.isEmpty() || !t.contains("\n")) {
                return new String[0];
            }
            return t.substring(0, t.lastIndexOf('\n')).split("\n", -1);
        }

        /** Waits until at least {@code n} complete lines are there or the timeout passes. */
        public synchronized String[] awaitLines(int n, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (lines().length < n && System.nanoTime() < deadline) {
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return lines();
        }

        /** Waits until the text contains {@code needle}. */
        public synchronized boolean await(String needle, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!text().contains(needle) && System.nanoTime() < deadline) {
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return text().contains(needle);
        }
    }
}
