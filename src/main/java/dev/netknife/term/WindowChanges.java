package dev.netknife.term;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/** Calls back when the terminal window changes size (SIGWINCH), until closed. */
public final class WindowChanges implements AutoCloseable {
    private final Signal signal;
    private final SignalHandler previous;

    private WindowChanges(Signal signal, SignalHandler previous) {
        this.signal = signal;
        this.previous = previous;
    }

    /** Starts watching; where the runtime cannot catch SIGWINCH the size is simply not re-read. */
    public static WindowChanges watch(Runnable onChange) {
        try {
            Signal winch = new Signal("WINCH");
            return new WindowChanges(winch, Signal.handle(winch, signal -> onChange.run()));
        } catch (IllegalArgumentException e) {
            return new WindowChanges(null, null);
        }
    }

    @Override
    public void close() {
        if (previous != null) {
            Signal.handle(signal, previous);
        }
    }
}
