package dev.netknife.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Sees what a {@link TcpConn} does on the wire, as it does it (a --pcap capture): bytes received and
 * sent, half-closes, the peer's end of stream, failures and the close. Called on the threads doing the
 * I/O; the buffers are views to read before returning, never to keep.
 */
public interface ConnObserver {
    void received(ByteBuffer data);

    /** Called before the bytes go (blocking writes), or after, with what the socket took (non-blocking ones). */
    void sent(ByteBuffer data);

    /** nk half-closed the connection. */
    void halfClosed();

    /** The peer's end of stream. */
    void peerClosed();

    /** A read or write failed (a reset by the peer, or a close from another thread). */
    void failed(IOException e);

    /** nk reset the connection (RST). */
    void aborted();

    void closed();

    /** See {@link Conn#holdCapture}. */
    void hold(boolean hold);
}
