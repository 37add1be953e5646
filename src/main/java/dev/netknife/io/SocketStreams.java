package dev.netknife.io;

import java.io.InputStream;
import java.io.OutputStream;

/** A {@link CountingConn} whose stream views ({@link ConnStreams}) are made on first use: the socket-backed conns. */
abstract class SocketStreams extends CountingConn {
    private InputStream in;
    private OutputStream out;

    @Override
    public final synchronized InputStream in() {
        if (in == null) {
            in = new ConnStreams.In(this);
        }
        return in;
    }

    @Override
    public final synchronized OutputStream out() {
        if (out == null) {
            out = new ConnStreams.Out(this);
        }
        return out;
    }
}
