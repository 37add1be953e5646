package dev.netknife.support;

import dev.netknife.Nk;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Runs nk with captured streams: in-process through its real entry point ({@link Nk#execute}), or,
 * when the system property {@code nk.binary} (or the environment variable {@code NK_BINARY}) names
 * an executable, as that program ({@link NkProcess}): {@code ./mvnw -Pnative verify
 * -Dnk.binary=target/nk} runs the suites that go through here against the native executable.
 */
public final class NkRun {
    private NkRun() {
    }

    /** The exit code and everything written to stdout and stderr. */
    public record Result(int code, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out() + "\n--- stderr\n" + stderr;
        }
    }

    /**
     * The command that starts nk as its own process: the executable under test ({@code nk.binary}), or
     * the JVM with this test run's class path.
     */
    public static java.util.List<String> commandLine() {
        java.nio.file.Path binary = NkProcess.binary();
        if (binary != null) {
            return java.util.List.of(binary.toString());
        }
        return java.util.List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.netknife.Nk");
    }

    public static Result run(String... args) {
        return run(new byte[0], args);
    }

    /** With a stdin stream (e.g. {@link BlockingInput}, a terminal nobody types in). */
    public static Result run(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(stdin, out, err, Map.of(), args);
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    public static Result run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(new ByteArrayInputStream(stdin), out, err, Map.of(), args);
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    public static int run(InputStream stdin, OutputStream stdout, OutputStream stderr, Map<String, String> env, String... args) {
        if (NkProcess.binary() != null) {
            return NkProcess.run(stdin, stdout, stderr, env, args);
        }
        PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        int code = new Nk(stdin, out, err, env, dev.netknife.term.Ttys.NONE).execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
