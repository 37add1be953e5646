package dev.netknife.capture;

import dev.netknife.io.ConnObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One TCP connection as a capture shows it: the three-way handshake when it opened, each read and
 * write as segments with the sequence and acknowledgement numbers a real stack would use (each
 * followed by the other side's ACK), FIN for a half-close or an end of stream, RST for a reset.
 * Reads and writes come from two threads; the flow orders them.
 */
final class TcpFlow implements ConnObserver {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final TapInterface iface;
    private final Frames.Ends outbound;
    private final Frames.Ends inbound;
    private long localNext;
    private long remoteNext;
    private boolean localFin;
    private boolean remoteFin;
    private boolean ended;
    private List<CaptureFile.Packet> held;

    TcpFlow(TapInterface iface, InetSocketAddress local, InetSocketAddress remote) {
        this.iface = iface;
        this.outbound = Frames.Ends.of(local, remote, true);
        this.inbound = outbound.reversed();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        this.localNext = random.nextInt() & 0xffff_ffffL;
        this.remoteNext = random.nextInt() & 0xffff_ffffL;
    }

    /** The handshake: {@code dialed} by nk (SYN from the local end), else accepted; {@code connectNanos} its duration when known. */
    synchronized void opened(boolean dialed, long connectNanos) {
        long now = iface.now();
        long synAt = now - Math.max(0, connectNanos);
        Frames.Ends client = dialed ? outbound : inbound;
        Frames.Ends server = client.reversed();
        long clientIsn = dialed ? localNext : remoteNext;
        long serverIsn = dialed ? remoteNext : localNext;
        List<CaptureFile.Packet> packets = List.of(
                packet(synAt, new Frames.Segment(client, clientIsn, 0, Frames.SYN, EMPTY)),
                packet(now, new Frames.Segment(server, serverIsn, next(clientIsn, 1), Frames.SYN | Frames.ACK, EMPTY)),
                packet(now, new Frames.Segment(client, next(clientIsn, 1), next(serverIsn, 1), Frames.ACK, EMPTY)));
        localNext = next(localNext, 1);
        remoteNext = next(remoteNext, 1);
        emit(packets);
    }

    @Override
    public void sent(ByteBuffer data) {
        data(data, true);
    }

    @Override
    public void received(ByteBuffer data) {
        data(data, false);
    }

    @Override
    public void halfClosed() {
        localFin();
    }

    @Override
    public void peerClosed() {
        remoteFin();
    }

    /** A reset by the peer shows as its RST; other failures (a close from another thread) end with nk's FIN at the close. */
    @Override
    public void failed(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("reset") || message.contains("Broken pipe")) {
            reset(true);
        }
    }

    @Override
    public void aborted() {
        reset(false);
    }

    @Override
    public void hold(boolean hold) {
        if (hold) {
            hold();
        } else {
            release();
        }
    }

    private synchronized void data(ByteBuffer data, boolean fromLocal) {
        if (ended || !data.hasRemaining()) {
            return;
        }
        long now = iface.now();
        List<CaptureFile.Packet> packets = new ArrayList<>(3);
        Frames.Ends ends = fromLocal ? outbound : inbound;
        int at = data.position();
        while (at < data.limit()) {
            int n = Math.min(Frames.MAX_SEGMENT, data.limit() - at);
            ByteBuffer chunk = data.duplicate().position(at).limit(at + n);
            if (held != null) {
                chunk = ByteBuffer.allocate(n).put(chunk).flip(); // the caller reuses its buffer before the packet goes out
            }
            packets.add(packet(now, segment(ends, Frames.PSH | Frames.ACK, chunk)));
            if (fromLocal) {
                localNext = next(localNext, n);
            } else {
                remoteNext = next(remoteNext, n);
            }
            at += n;
        }
        packets.add(packet(now, segment(ends.reversed(), Frames.ACK, EMPTY)));
        emit(packets);
    }

    /** A FIN from nk (a half-close, or the close of a connection that did not half-close). */
    synchronized void localFin() {
        fin(true);
    }

    /** The peer's FIN: nk read the end of the stream. */
    synchronized void remoteFin() {
        fin(false);
    }

    /** A FIN from one side (once), then the other side's ACK of it. */
    private void fin(boolean fromLocal) {
        if (ended || (fromLocal ? localFin : remoteFin)) {
            return;
        }
        long now = iface.now();
        emit(List.of(packet(now, segment(fromLocal ? outbound : inbound, Frames.FIN | Frames.ACK, EMPTY))));
        if (fromLocal) {
            localFin = true;
            localNext = next(localNext, 1);
        } else {
            remoteFin = true;
            remoteNext = next(remoteNext, 1);
        }
        emit(List.of(packet(now, segment(fromLocal ? inbound : outbound, Frames.ACK, EMPTY))));
    }

    /** A reset, sent by the peer ({@code byRemote}) or by nk; nothing more follows. */
    synchronized void reset(boolean byRemote) {
        if (ended) {
            return;
        }
        ended = true;
        emit(List.of(packet(iface.now(), segment(byRemote ? inbound : outbound, Frames.RST | Frames.ACK, EMPTY))));
        release();
    }

    /** nk closed the connection: a FIN unless one went already. */
    @Override
    public synchronized void closed() {
        if (ended) {
            return;
        }
        localFin();
        ended = true;
        release();
    }

    /** Holds packets back until {@link #release}. */
    synchronized void hold() {
        if (held == null && !ended) {
            held = new ArrayList<>();
        }
    }

    synchronized void release() {
        if (held != null) {
            List<CaptureFile.Packet> packets = held;
            held = null;
            iface.write(packets);
        }
    }

    private Frames.Segment segment(Frames.Ends ends, int flags, ByteBuffer payload) {
        boolean fromLocal = ends.fromLocal();
        return new Frames.Segment(ends, fromLocal ? localNext : remoteNext, fromLocal ? remoteNext : localNext, flags, payload);
    }

    private CaptureFile.Packet packet(long epochNanos, Frames.Frame frame) {
        return new CaptureFile.Packet(iface.id(), epochNanos, frame);
    }

    private void emit(List<CaptureFile.Packet> packets) {
        if (held != null) {
            held.addAll(packets);
        } else {
            iface.write(packets);
        }
    }

    private static long next(long seq, int n) {
        return (seq + n) & 0xffff_ffffL;
    }
}
