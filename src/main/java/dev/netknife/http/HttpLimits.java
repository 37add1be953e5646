package dev.netknife.http;

/** Limits on what a server may send before nk calls it a protocol error. */
final class HttpLimits {
    /** Status line plus all header fields (curl allows 100 KiB; nk says 64 KiB as the issue fixes). */
    static final int HEAD_BYTES = 64 * 1024;
    /**
     * Header (or trailer) fields in one block. Each field costs some 170 bytes of objects however
     * short it is: 64 KiB of "a:" lines made 3.5 MB of them. (Node's HTTP parser stops at 2000.)
     */
    static final int MAX_FIELDS = 1000;
    /** Interim (1xx) responses skipped before the final one. */
    static final int MAX_INTERIM = 20;
    /** Chunk-size lines and trailer sections count against the same head limit per chunk. */
    static final int CHUNK_LINE_BYTES = 4 * 1024;

    private HttpLimits() {
    }
}
