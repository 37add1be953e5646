package dev.netknife.balance;

import java.util.ArrayList;
import java.util.List;

/**
 * The faults in force, changed at run time (the API of --stats: POST, GET, DELETE /faults). Each
 * connection reads the list before each chunk it forwards, so a change reaches connections already
 * open as well as new ones; a fault added later is drawn for each open connection (its probability)
 * when it first meets it.
 */
public final class Faults {
    private volatile List<Fault> active;
    private int named;

    public Faults(List<Fault> initial) {
        this.active = List.copyOf(initial);
        this.named = initial.size();
    }

    /** The faults of --fault {@code specs}, named f1, f2, ... unless they say; IllegalArgumentException says which is bad. */
    public static Faults parse(List<String> specs) {
        List<Fault> faults = new ArrayList<>();
        for (String spec : specs) {
            String name = "f" + (faults.size() + 1);
            faults.add(Fault.parse(spec, () -> name));
        }
        return new Faults(faults);
    }

    public List<Fault> active() {
        return active;
    }

    /** A name for the next fault given without one: f1, f2, ... */
    public synchronized String nextName() {
        return "f" + (++named);
    }

    /** Adds {@code faults}; one with the name of a fault in force replaces it. */
    public synchronized void add(List<Fault> faults) {
        List<Fault> next = new ArrayList<>(active);
        for (Fault f : faults) {
            next.removeIf(old -> old.name().equals(f.name()));
            next.add(f);
        }
        active = List.copyOf(next);
        notifyAll();
    }

    /** Removes the fault named {@code name}; false when there is none. */
    public synchronized boolean remove(String name) {
        List<Fault> next = new ArrayList<>(active);
        boolean removed = next.removeIf(f -> f.name().equals(name));
        active = List.copyOf(next);
        notifyAll();
        return removed;
    }

    public synchronized void clear() {
        active = List.of();
        notifyAll();
    }

    /** Waits until the faults change or {@code millis} pass (a held connection looks again then). */
    synchronized void awaitChange(List<Fault> seen, long millis) throws InterruptedException {
        if (active == seen && millis > 0) {
            wait(millis);
        }
    }
}
