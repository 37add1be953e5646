package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WriteBehindTest {
    private static final int OWN = 64 * 1024;

    /** A connection accepted by us ({@code conn}) and the peer's socket, which reads only when a test says so. */
    private record Pair(TcpConn conn, Socket peer) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            conn.close();
            peer.close();
        }
    }

    private static Pair pair() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0))) {
            Socket peer = new Socket();
            peer.setReceiveBufferSize(64 * 1024);
            peer.connect(listener.getLocalAddress());
            java.nio.channels.SocketChannel accepted = listener.accept();
            // a fixed send buffer: the kernel's autotuning may otherwise take a budget's worth (tcp_wmem up to 4 MiB)
            accepted.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            return new Pair(new TcpConn(accepted, Timings.NONE), peer);
        }
    }

    private static byte[] random(int size, int seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static CompletableFuture<byte[]> readAll(Socket peer, int size) {
        CompletableFuture<byte[]> got = new CompletableFuture<>();
        inBackground(() -> got.complete(peer.getInputStream().readNBytes(size))).exceptionally(e -> {
            got.completeExceptionally(e);
            return null;
        });
        return got;
    }

    private static void awaitUpTo5s(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static void assertAllBack(WriteBehind.Budget budget, int bytes) {
        assertEquals(bytes, budget.available(), "all of the budget is back");
        assertEquals(0, budget.buffersLent(), "and every buffer");
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static CompletableFuture<Void> inBackground(IoAction action) {
        return CompletableFuture.runAsync(() -> {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    private static void writeInMiBs(WriteBehind out, byte[] data) throws IOException {
        for (int off = 0; off < data.length; off += 1 << 20) {
            out.write(data, off, Math.min(1 << 20, data.length - off));
        }
    }

    @Test
    void smallAndLargeWritesLeaveInOrderAndCloseWaitsForTheLast() throws Exception {
        WriteBehind.Budget budget = new WriteBehind.Budget(64 << 20);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (Pair p = pair()) {
            CompletableFuture<byte[]> got;
            WriteBehind out = new WriteBehind(p.conn(), budget, OWN);
            Random sizes = new Random(1);
            for (int i = 0; i < 400; i++) {
                byte[] piece = random(i % 50 == 0 ? 300_000 + sizes.nextInt(200_000) : 1 + sizes.nextInt(200), i);
                out.write(piece);
                expected.writeBytes(piece);
                if (i % 7 == 0) {
                    out.flush();
                }
            }
            got = readAll(p.peer(), expected.size());
            out.close();
            assertEquals(0, out.pending());
            assertArrayEquals(expected.toByteArray(), got.get(10, TimeUnit.SECONDS));
        }
        assertAllBack(budget, 64 << 20);
    }

    @Test
    void writesWithinTheBudgetReturnWhileThePeerReadsNothing() throws Exception {
        WriteBehind.Budget budget = new WriteBehind.Budget(32 << 20);
        byte[] data = random(24 << 20, 2);
        try (Pair p = pair()) {
            WriteBehind out = new WriteBehind(p.conn(), budget, OWN);
            inBackground(() -> {
                writeInMiBs(out, data);
                out.flush();
            }).get(10, TimeUnit.SECONDS); // 24 MiB held for a peer that has not read a byte
            assertTrue(out.pending() > 16 << 20, "most of it waits in memory: " + out.pending());
            assertTrue(budget.available() < 16 << 20, "charged to the budget: " + budget.available());
            CompletableFuture<byte[]> got = readAll(p.peer(), data.length);
            out.close();
            assertArrayEquals(data, got.get(10, TimeUnit.SECONDS));
        }
        assertEquals(32 << 20, budget.available());
    }

    @Test
    void pastTheBudgetAWriteWaitsForThePeerAndAnotherStreamStillMoves() throws Exception {
        WriteBehind.Budget budget = new WriteBehind.Budget(4 << 20);
        byte[] stalled = random(12 << 20, 3);
        try (Pair slow = pair(); Pair fast = pair()) {
            WriteBehind slowOut = new WriteBehind(slow.conn(), budget, OWN);
            CompletableFuture<Void> writing = inBackground(() -> {
                writeInMiBs(slowOut, stalled);
                slowOut.close();
            });
            // how fast the budget fills depends on the machine's load and on the kernel's socket buffers: wait for it
            // (writes of 1 MiB each are taken whole: the stream is held up once less than that is left)
            awaitUpTo5s(() -> budget.available() < 1 << 20);
            assertTrue(budget.available() < 1 << 20, "the stalled stream holds the budget: " + budget.available());
            assertTrue(!writing.isDone(), "held up by a peer that does not read");

            // the other stream has little more than its own share left, and writes through past it: it still works
            byte[] data = random(3 << 20, 4);
            CompletableFuture<byte[]> got = readAll(fast.peer(), data.length);
            try (WriteBehind fastOut = new WriteBehind(fast.conn(), budget, OWN)) {
                for (int off = 0; off < data.length; off += 100_000) {
                    fastOut.write(data, off, Math.min(100_000, data.length - off));
                    fastOut.flush();
                }
            }
            assertArrayEquals(data, got.get(10, TimeUnit.SECONDS));

            CompletableFuture<byte[]> late = readAll(slow.peer(), stalled.length);
            writing.get(10, TimeUnit.SECONDS);
            assertArrayEquals(stalled, late.get(10, TimeUnit.SECONDS), "nothing lost, nothing reordered");
        }
        assertEquals(4 << 20, budget.available());
    }

    @Test
    void aPeerThatGoesAwayFailsTheNextCallAndGivesTheBudgetBack() throws Exception {
        WriteBehind.Budget budget = new WriteBehind.Budget(8 << 20);
        try (Pair p = pair()) {
            WriteBehind out = new WriteBehind(p.conn(), budget, OWN);
            out.write(new byte[4 << 20]);
            out.flush();
            p.peer().setSoLinger(true, 0);
            p.peer().close(); // a reset
            IOException failed = assertThrows(IOException.class, () -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < deadline) {
                    out.write(new byte[1000]);
                    out.flush();
                    Thread.sleep(10);
                }
            });
            assertTrue(failed.getMessage() != null, failed.toString());
            assertThrows(IOException.class, out::close);
        }
        assertAllBack(budget, 8 << 20);
    }

    @Test
    void abandonDropsWhatWasNotSentAndFreesItsBuffers() throws Exception {
        WriteBehind.Budget budget = new WriteBehind.Budget(8 << 20);
        try (Pair p = pair()) {
            WriteBehind out = new WriteBehind(p.conn(), budget, OWN);
            out.write(new byte[6 << 20]);
            out.flush();
            out.abandon();
            assertThrows(IOException.class, () -> out.write(1));
            p.conn().close(); // unblocks the sender, as the server does after its handler
            awaitUpTo5s(() -> budget.available() == 8 << 20);
        }
        assertAllBack(budget, 8 << 20);
    }

    @Test
    void anIdleStreamHoldsNoBuffer() throws Exception {
        WriteBehind.Budget budget = new WriteBehind.Budget(8 << 20);
        try (Pair p = pair()) {
            WriteBehind out = new WriteBehind(p.conn(), budget, OWN);
            InputStream in = p.peer().getInputStream();
            for (int i = 0; i < 100; i++) {
                out.write(("line " + i + "\n").getBytes());
                out.flush();
                byte[] line = in.readNBytes(("line " + i + "\n").length());
                assertEquals("line " + i + "\n", new String(line));
            }
            awaitUpTo5s(() -> budget.buffersLent() == 0);
            assertEquals(0, budget.buffersLent(), "drained: the buffer went back to the pool");
            assertEquals(0, out.pending());
            out.close();
        }
    }
}
