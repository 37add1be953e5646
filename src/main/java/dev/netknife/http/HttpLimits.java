package dev.netknife.http;

/** Limits on what a server may send before nk calls it a protocol error. */
final class HttpLimits {
    /** Status line plus all header fields (curl allows 100 KiB; nk says 64 KiB as the issue fixes). */
    static final int HEAD_BYTES = 64 * 1024;
    /** Interim (1xx) responses skipped before the final one. */
    static final int MAX_INTERIM = 20;
    /** Chunk-size lines and trailer sections count against the same head limit per chunk. */
    static final int CHUNK_LINE_BYTES = 4 * 1024;

    private HttpLimits() {
    }
}
