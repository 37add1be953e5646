package dev.netknife.monitor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** What the monitor knows about one target: its last probe, state changes, uptime and recent latencies. */
public final class TargetState {
    private static final int RECENT = 30;

    private final Target target;
    private final ArrayDeque<Double> latencies = new ArrayDeque<>();
    private ProbeResult last;
    private Boolean up;
    private long probes;
    private long ups;
    private long changes;

    TargetState(Target target) {
        this.target = target;
    }

    /** Records a probe; returns true when the state changed (the first probe counts as a change). */
    synchronized boolean record(ProbeResult r) {
        last = r;
        probes++;
        if (r.up()) {
            ups++;
        }
        latencies.addLast(r.up() ? r.millis() : -1);
        while (latencies.size() > RECENT) {
            latencies.removeFirst();
        }
        boolean changed = up == null || up != r.up();
        if (changed && up != null) {
            changes++;
        }
        up = r.up();
        return changed;
    }

    public Target target() {
        return target;
    }

    public synchronized ProbeResult last() {
        return last;
    }

    /** Null before the first probe. */
    public synchronized Boolean up() {
        return up;
    }

    public synchronized long changes() {
        return changes;
    }

    public synchronized double uptimePercent() {
        return probes == 0 ? 0 : 100.0 * ups / probes;
    }

    /** Latencies of the recent probes, -1 for a failed one. */
    public synchronized List<Double> recent() {
        return new ArrayList<>(latencies);
    }
}
