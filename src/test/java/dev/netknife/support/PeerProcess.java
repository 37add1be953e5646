package dev.netknife.support;

import java.util.concurrent.TimeUnit;

/** A peer program a test started on a loopback port; closing it stops the process (SIGTERM). */
public class PeerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    protected PeerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public final int port() {
        return port;
    }

    @Override
    public final void close() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
    }
}
