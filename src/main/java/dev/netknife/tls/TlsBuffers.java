package dev.netknife.tls;

import dev.netknife.io.BufferPool;

/** Record buffers for {@link TlsConn}: room for several TLS records (~16.7 KiB each), so one system call moves several. */
final class TlsBuffers {
    /** Four maximal TLS records (16 KiB of data plus header, padding and tag each), rounded up. */
    static final int SIZE = 4 * 17 * 1024;

    private TlsBuffers() {
    }

    /** A pool per client or server: buffers are lent per read or write and come back when empty. */
    static BufferPool pool() {
        return new BufferPool(SIZE, 64, false);
    }
}
