package dev.netknife.http;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Idle keep-alive connections per origin, most recently used first. One client's pool serves
 * one thread (--parallel gives each worker its own client), so it needs no locking.
 */
final class ConnectionPool<C> implements AutoCloseable {
    private final Map<String, ArrayDeque<C>> idle = new HashMap<>();
    private final Consumer<C> closer;

    ConnectionPool(Consumer<C> closer) {
        this.closer = closer;
    }

    /** An idle connection to {@code origin}, or null. */
    C take(String origin) {
        ArrayDeque<C> q = idle.get(origin);
        return q == null ? null : q.pollFirst();
    }

    void put(String origin, C connection) {
        idle.computeIfAbsent(origin, o -> new ArrayDeque<>()).addFirst(connection);
    }

    @Override
    public void close() {
        for (ArrayDeque<C> q : idle.values()) {
            q.forEach(closer);
        }
        idle.clear();
    }
}
