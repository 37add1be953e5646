package dev.netknife.io;

import java.util.function.Supplier;

/** Makes the value on first use, once, for every thread (a TLS context only a https:// URL needs). */
public final class Once<T> implements Supplier<T> {
    private final Supplier<T> factory;
    private T value;

    public Once(Supplier<T> factory) {
        this.factory = factory;
    }

    @Override
    public synchronized T get() {
        if (value == null) {
            value = factory.get();
        }
        return value;
    }
}
