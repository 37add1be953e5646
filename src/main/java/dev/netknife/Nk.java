package dev.netknife;

import dev.netknife.cli.Commands;
import dev.netknife.cli.Root;
import dev.netknife.term.Ttys;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * The {@code nk} root command. {@link #main} and {@link #exitOnSignal} are the only places that call
 * {@link System#exit}; everything else returns exit codes through {@link #execute}.
 */
public final class Nk {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Ttys ttys;

    public Nk(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Ttys ttys) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = env;
        this.ttys = ttys;
    }

    /** The process's own streams and environment, looked up now (so tests that swap System.out see their streams). */
    public Nk() {
        this(System.in, System.out, System.err, System.getenv(), Ttys.detect());
    }

    public static void main(String[] args) {
        NativeRuntime.initialize();
        // nk's options are strings and booleans: spare picocli's reflective java.time/java.sql
        // converters (~80 classes loaded on every start otherwise)
        if (System.getProperty("picocli.converters.excludes") == null) {
            System.setProperty("picocli.converters.excludes", "java\\..*");
        }
        int code = new Nk().execute(args);
        System.out.flush();
        System.err.flush();
        if (code == ExitCode.INTERRUPTED.code() || shutdownInProgress()) {
            // Ctrl-C or SIGTERM: the JVM is already shutting down and picks its own status (143 for SIGTERM)
            // once the hooks are done; System.exit waits for that. Halting here raced the hooks: a ws client
            // whose peer answered its going-away closed with the peer's status (6) instead of 143.
            System.exit(code);
        }
        // Runtime.exit looks up a System.Logger on the way out (JDK 21+), which opens every jar on the
        // class path: ~60 ms with BouncyCastle's. nk has no shutdown hook left to run at this point
        // (servers remove theirs) and its streams are flushed, so it ends the process directly.
        Runtime.getRuntime().halt(code);
    }

    /**
     * What SIGINT, SIGTERM and SIGHUP do once a command has installed {@link ExitSignals}: run the
     * shutdown hooks and end with {@code status} (128 + the signal's number), as the JVM's own handlers do.
     */
    static void exitOnSignal(int status) {
        System.exit(status);
    }

    /** Whether a signal has started the JVM's shutdown (hooks can no longer be added then). */
    private static boolean shutdownInProgress() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** Parses and runs one command line; returns its exit code. */
    public int execute(String... args) {
        return new Root(in, out, err, env, ttys, Commands.all()).execute(args);
    }
}
