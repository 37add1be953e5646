package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerTest {
    private final BufferPool pool = new BufferPool(16 * 1024, 8);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Server server;
    private Thread serving;

    private Server start(int maxConns, long idleMillis, Rate rate) {
        server = Server.bind(new Server.Config(InetAddress.getLoopbackAddress(), 0, maxConns, idleMillis, rate), conn -> {
            Mover.copy(conn, conn, pool, null);
            conn.closeWrite();
        }, new Server.Events() {
            @Override
            public void closed(Conn conn, Throwable failure, boolean idle) {
                events.add(idle ? "idle" : failure == null ? "closed" : "failed");
            }

            @Override
            public void rejected(java.net.InetSocketAddress client, String reason) {
                events.add("rejected: " + reason);
            }
        });
        serving = Thread.ofPlatform().start(server::serve);
        return server;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
            serving.join(5000);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
        s.setSoTimeout(5000);
        return s;
    }

    @Test
    void echoesAndFinishesAfterHalfClose() throws Exception {
        start(0, 0, null);
        try (Socket s = connect()) {
            byte[] data = new byte[300_000];
            new Random(1).nextBytes(data);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = s.getInputStream().readAllBytes();
            writer.join();
            assertArrayEquals(data, back, "every byte echoed, then EOF after our half-close");
        }
        awaitEvents(1);
        assertEquals(1, server.stats().accepted());
        assertEquals(300_000, server.stats().bytesIn());
        assertEquals(300_000, server.stats().bytesOut());
    }

    @Test
    void idleConnectionsHoldNoPooledBuffer() throws Exception {
        start(0, 0, null);
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = connect();
                s.getOutputStream().write("x".repeat(100).getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().readNBytes(100);
                clients.add(s);
            }
            assertEquals(20, server.stats().active());
            for (int i = 0; i < 100 && pool.lent() > 0; i++) {
                Thread.sleep(10);
            }
            assertEquals(0, pool.lent(), "20 idle connections hold no pooled buffer");
            assertTrue(pool.pooled() >= 1, "buffers went back to the pool for reuse");
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    @Test
    void maxConnsQueuesTheRestInTheBacklog() throws Exception {
        start(1, 0, null);
        try (Socket first = connect(); Socket second = connect()) {
            first.getOutputStream().write('a');
            assertEquals('a', first.getInputStream().read());
            second.getOutputStream().write('b');
            second.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> second.getInputStream().read(), "second waits while first is open");
            first.close();
            second.setSoTimeout(5000);
            assertEquals('b', second.getInputStream().read(), "served once the first left");
        }
    }

    @Test
    void idleTimeoutClosesSilentConnections() throws Exception {
        start(0, 200, null);
        try (Socket s = connect()) {
            long start = System.nanoTime();
            assertEquals(-1, s.getInputStream().read(), "server closed the idle connection");
            long took = (System.nanoTime() - start) / 1_000_000;
            assertTrue(took >= 150 && took < 2000, "closed after " + took + " ms");
        }
        awaitEvents(1);
        assertEquals(List.of("idle"), events);
    }

    @Test
    void busyConnectionsOutliveTheIdleTimeout() throws Exception {
        start(0, 300, null);
        try (Socket s = connect()) {
            for (int i = 0; i < 10; i++) {
                s.getOutputStream().write('x');
                assertEquals('x', s.getInputStream().read());
                Thread.sleep(100);
            }
        }
    }

    @Test
    void rateLimitClosesClientsOverTheirRate() throws Exception {
        start(0, 0, new Rate(2, 60_000));
        int served = 0;
        for (int i = 0; i < 4; i++) {
            try (Socket s = connect()) {
                s.getOutputStream().write('x');
                if (s.getInputStream().read() == 'x') {
                    served++;
                }
            } catch (IOException e) {
                // a rejected client may also see a reset
            }
        }
        assertEquals(2, served);
        awaitEvents(4);
        assertEquals(2, events.stream().filter(e -> e.startsWith("rejected: over the connection rate 2/m")).count());
        assertEquals(2, server.stats().rejected());
    }

    @Test
    void aClientResettingMidStreamDoesNotDisturbTheOthers() throws Exception {
        start(0, 0, null);
        try (Socket steady = connect()) {
            OutputStream out = steady.getOutputStream();
            InputStream in = steady.getInputStream();
            for (int round = 0; round < 5; round++) {
                Socket rude = connect();
                rude.getOutputStream().write(new byte[50_000]);
                rude.setSoLinger(true, 0);
                rude.close(); // RST with data in flight
                out.write(("round " + round).getBytes(StandardCharsets.US_ASCII));
                assertEquals("round " + round, new String(in.readNBytes(7), StandardCharsets.US_ASCII));
            }
        }
        awaitEvents(6);
        assertEquals(6, server.stats().accepted());
    }

    @Test
    void closeStopsAcceptingAndClosesOpenConnections() throws Exception {
        start(0, 0, null);
        try (Socket s = connect()) {
            s.getOutputStream().write('x');
            assertEquals('x', s.getInputStream().read());
            server.close();
            serving.join(5000);
            assertEquals(-1, s.getInputStream().read());
            assertThrows(IOException.class, this::connect);
        }
    }

    @Test
    void portInUseIsAClearError() {
        start(0, 0, null);
        dev.netknife.NkException e = assertThrows(dev.netknife.NkException.class, () -> Server.bind(
                new Server.Config(InetAddress.getLoopbackAddress(), server.address().getPort(), 0, 0, null), c -> { }, new Server.Events() { }));
        assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + server.address().getPort() + ": "), e.getMessage());
    }

    private void awaitEvents(int n) throws InterruptedException {
        for (int i = 0; i < 250 && events.size() < n; i++) {
            Thread.sleep(20);
        }
        assertTrue(events.size() >= n, "events: " + events);
    }
}
