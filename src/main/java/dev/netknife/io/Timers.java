package dev.netknife.io;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one timer thread of the process, started with its first use: deadlines and idle watches wait
 * on it. A virtual thread that sleeps made a one-off command start the virtual-thread scheduler, its
 * carrier and its timer thread (about 2 ms of a native {@code http-get} or {@code tls-get}); a server
 * pays one thread for any number of timers. Timer tasks only set flags and close sockets, which never
 * block, so one thread keeps up.
 */
final class Timers {
    private Timers() {
    }

    private static final class Holder {
        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                    task -> Thread.ofPlatform().daemon().name("nk-timers").unstarted(task));
            executor.setRemoveOnCancelPolicy(true); // a step that finished in time leaves nothing queued
            return executor;
        }
    }

    static ScheduledThreadPoolExecutor shared() {
        return Holder.EXECUTOR;
    }
}
