package dev.netknife.io;

import java.nio.ByteBuffer;

/** Sees the bytes a copy moves (for hex dumps and --expect), before they are written on. */
@FunctionalInterface
public interface Tap {
    /** {@code data} is a read-only view; its position and limit may be changed freely. */
    void bytes(ByteBuffer data);
}
