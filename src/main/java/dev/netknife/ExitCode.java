package dev.netknife;

/** The exit codes of every nk subcommand; documented in {@code nk --help} and the man pages. */
public enum ExitCode {
    /** Everything worked. */
    OK(0, "ok"),
    /** Any failure not covered below (I/O error, reset by peer, ...). */
    FAILURE(1, "error"),
    /** Bad option or argument. */
    USAGE(2, "usage"),
    /** A host name did not resolve. */
    UNKNOWN_HOST(3, "unknown_host"),
    /** Connection refused or network unreachable. */
    REFUSED(4, "refused"),
    /** TLS handshake or certificate verification failed. */
    TLS(5, "tls"),
    /** The peer broke the protocol or closed in the middle of a message. */
    PROTOCOL(6, "protocol"),
    /** An assertion failed: --fail, --expect, --min-days, a monitor target down. */
    ASSERTION(7, "assertion"),
    /** Timed out (as GNU timeout); the phase says where. */
    TIMEOUT(124, "timeout"),
    /** Interrupted by Ctrl-C. */
    INTERRUPTED(130, "interrupted");

    private final int code;
    private final String kind;

    ExitCode(int code, String kind) {
        this.code = code;
        this.kind = kind;
    }

    public int code() {
        return code;
    }

    /** The {@code error.kind} of the JSON result. */
    public String kind() {
        return kind;
    }

    /** One line for help texts and man pages. */
    public String description() {
        return switch (this) {
            case OK -> "ok";
            case FAILURE -> "other failure";
            case USAGE -> "usage: bad option or argument";
            case UNKNOWN_HOST -> "host name did not resolve";
            case REFUSED -> "connection refused or unreachable";
            case TLS -> "TLS handshake or verification failed";
            case PROTOCOL -> "protocol error: the peer broke the protocol or closed mid-message";
            case ASSERTION -> "assertion failed: --fail, --expect, --min-days, a target down";
            case TIMEOUT -> "timed out (the JSON error names the phase)";
            case INTERRUPTED -> "interrupted (Ctrl-C)";
        };
    }
}
