package dev.netknife.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Many URLs over {@code parallel} clients, each on a virtual thread of its own with its own keep-alive
 * pool, taking the next URL from one queue (http-get --parallel). One client needs no thread: it runs on
 * the caller's.
 */
public final class ParallelFetch {

    /** One URL on one client; false stops every client after its current URL (the output went away). */
    @FunctionalInterface
    public interface Fetch {
        boolean fetch(HttpClient client, HttpUrl url);
    }

    private ParallelFetch() {
    }

    /** Runs {@code fetch} over {@code urls} with {@code parallel} clients of {@code config}; returns when all are done. */
    public static void run(HttpClient.Config config, List<HttpUrl> urls, int parallel, Fetch fetch) throws InterruptedException {
        ConcurrentLinkedQueue<HttpUrl> queue = new ConcurrentLinkedQueue<>(urls);
        if (parallel <= 1) {
            drain(config, queue, fetch);
            return;
        }
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            workers.add(Thread.ofVirtual().name("nk-http-" + i).start(() -> drain(config, queue, fetch)));
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private static void drain(HttpClient.Config config, ConcurrentLinkedQueue<HttpUrl> queue, Fetch fetch) {
        try (HttpClient client = new HttpClient(config)) {
            HttpUrl url;
            while ((url = queue.poll()) != null) {
                if (!fetch.fetch(client, url)) {
                    queue.clear();
                }
            }
        }
    }
}
