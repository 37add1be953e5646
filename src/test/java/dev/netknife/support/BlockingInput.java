package dev.netknife.support;

import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A stdin that stays open with nothing to say (a terminal nobody types in) until released. */
public final class BlockingInput extends InputStream implements AutoCloseable {
    private final CountDownLatch released = new CountDownLatch(1);

    @Override
    public int read() {
        try {
            released.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        return len == 0 ? 0 : read();
    }

    @Override
    public void close() {
        released.countDown();
    }
}
