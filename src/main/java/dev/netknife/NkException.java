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

    public NkException(ExitCode exitCode, String phase, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.phase = phase;
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
}
