package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A deadline closes a stalled connection, so the blocked read fails; a finished step cancels it. */
class DeadlineTest {

    @Test
    void aStalledReadFailsWhenTheDeadlinePasses() throws Exception {
        try (ServerSocketChannel server = listen(); Conn conn = dial(server); SocketChannel peer = server.accept()) {
            long start = System.nanoTime();
            try (Deadline deadline = new Deadline(conn, 200)) {
                assertThrows(IOException.class, () -> conn.read(ByteBuffer.allocate(16))); // the peer never writes
                assertTrue(deadline.expired());
            }
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis >= 150 && tookMillis < 5_000, "took " + tookMillis + " ms");
        }
    }

    @Test
    void aStepThatFinishesInTimeKeepsItsConnection() throws Exception {
        try (ServerSocketChannel server = listen(); Conn conn = dial(server); SocketChannel peer = server.accept()) {
            Deadline deadline = new Deadline(conn, 150);
            deadline.close();
            Thread.sleep(400);
            assertFalse(deadline.expired());
            peer.write(ByteBuffer.wrap(new byte[] {42}));
            ByteBuffer got = ByteBuffer.allocate(1);
            assertEquals(1, conn.read(got));
            assertEquals(42, got.get(0));
        }
    }

    @Test
    void manyDeadlinesInFlightShareOneThread() throws Exception {
        try (ServerSocketChannel server = listen(); Conn conn = dial(server); SocketChannel peer = server.accept()) {
            List<Deadline> deadlines = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                deadlines.add(new Deadline(conn, 60_000));
            }
            long timers = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("nk-timers")).count();
            deadlines.forEach(Deadline::close);
            assertEquals(1, timers);
        }
    }

    private static ServerSocketChannel listen() throws IOException {
        return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private static Conn dial(ServerSocketChannel server) throws IOException {
        return new TcpConn(SocketChannel.open(server.getLocalAddress()), Timings.NONE);
    }
}
