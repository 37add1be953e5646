package dev.netknife.monitor;

import java.util.ArrayList;
import java.util.List;

/**
 * Probes every target on its own virtual thread, every {@code intervalMillis}, on a fixed schedule
 * (a slow probe does not push the next one later than its slot), and reports each result.
 */
public final class Monitor implements AutoCloseable {
    private static final int GROUPS = 10;

    @FunctionalInterface
    public interface Listener {
        void probed(ProbeResult result, TargetState state, boolean changed);
    }

    private final List<TargetState> states = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Prober prober;
    private final long intervalMillis;
    private final Listener listener;

    public Monitor(List<Target> targets, Prober prober, long intervalMillis, Listener listener) {
        for (Target t : targets) {
            states.add(new TargetState(t));
        }
        this.prober = prober;
        this.intervalMillis = intervalMillis;
        this.listener = listener;
    }

    public List<TargetState> states() {
        return states;
    }

    /**
     * Starts probing; returns at once. The first round goes out at once; later rounds are spread
     * over the interval in {@value #GROUPS} groups, so a thousand targets do not all come due at
     * the same instant (skew), while each group still wakes its probes together (CPU).
     */
    public void start() {
        long first = System.nanoTime();
        int groups = Math.max(1, Math.min(GROUPS, states.size()));
        long step = intervalMillis * 1_000_000L / groups;
        for (int i = 0; i < states.size(); i++) {
            TargetState state = states.get(i);
            long offset = (i % groups) * step;
            threads.add(Thread.ofVirtual().name("nk-probe").start(() -> loop(state, first, offset)));
        }
    }

    private void loop(TargetState state, long first, long offset) {
        long slot = first + offset; // the first probe goes at once; the next ones at first + offset + k * interval
        while (!Thread.currentThread().isInterrupted()) {
            ProbeResult r = prober.probe(state.target());
            boolean changed = state.record(r);
            listener.probed(r, state, changed);
            slot += intervalMillis * 1_000_000L;
            long now = System.nanoTime();
            if (slot < now) {
                slot = now; // a probe longer than the interval: start the next one at once, do not pile up
            }
            try {
                Thread.sleep((slot - now) / 1_000_000L, (int) ((slot - now) % 1_000_000L));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Probes every target once, all at the same time; returns the results in target order. */
    public static List<ProbeResult> once(List<Target> targets, Prober prober) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        ProbeResult[] results = new ProbeResult[targets.size()];
        for (int i = 0; i < targets.size(); i++) {
            int index = i;
            threads.add(Thread.ofVirtual().start(() -> results[index] = prober.probe(targets.get(index))));
        }
        for (Thread t : threads) {
            t.join();
        }
        return List.of(results);
    }

    /** How a wait ended: {@code done} when the targets came up, with the last round's results. */
    public record Waited(boolean done, List<ProbeResult> last) {
    }

    /**
     * Probes all targets every {@code intervalMillis} until all are up ({@code any}: one is) or
     * {@code maxWaitMillis} passed; {@code each} sees every result, and whether the target's state
     * changed with it (the first probe's state counts as a change).
     */
    public static Waited waitFor(List<Target> targets, Prober prober, long intervalMillis, long maxWaitMillis, boolean any,
            Listener each) throws InterruptedException {
        long deadline = System.nanoTime() + maxWaitMillis * 1_000_000L;
        List<TargetState> states = targets.stream().map(TargetState::new).toList();
        while (true) {
            List<ProbeResult> last = once(targets, prober);
            for (int i = 0; i < last.size(); i++) {
                each.probed(last.get(i), states.get(i), states.get(i).record(last.get(i)));
            }
            if (any ? last.stream().anyMatch(ProbeResult::up) : last.stream().allMatch(ProbeResult::up)) {
                return new Waited(true, last);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new Waited(false, last);
            }
            Thread.sleep(Math.min(intervalMillis, left / 1_000_000L + 1));
        }
    }

    @Override
    public void close() {
        for (Thread t : threads) {
            t.interrupt();
        }
    }
}
