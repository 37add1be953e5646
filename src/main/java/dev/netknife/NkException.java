package dev.netknife;

/**
 * The one failure type that crosses layers: an exit code, the phase it happened in
 * ({@code dns}, {@code connect}, {@code tls}, {@code first-byte}, {@code idle}, {@code total}, or null)
 * and a one-line message for the user.
 */
public class NkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;
    private final String phase;
    private final String kind;

    public NkException(ExitCode exitCode, String phase, String message, Throwable cause) {
        this(exitCode, phase, exitCode.kind(), message, cause);
    }

    /** With a {@code kind} finer than the exit code's (a TLS failure says which: expired, hostname, ...). */
    public NkException(ExitCode exitCode, String phase, String kind, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.phase = phase;
        this.kind = kind;
    }

    public NkException(ExitCode exitCode, String message) {
        this(exitCode, null, message, null);
    }

    public static NkException usage(String message) {
        return new NkException(ExitCode.USAGE, message);
    }

    public static NkException timeout(String phase, String message) {
        return new NkException(ExitCode.TIMEOUT, phase, message, null);
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public String phase() {
        return phase;
    }

    /** The JSON {@code error.kind}: the exit code's kind unless a finer one was given. */
    public String kind() {
        return kind;
    }
}
