package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SelectorRelayTest {

    /** client <-> [a: accepted from client] relay [b: connected to server] <-> server */
    private record Setup(Socket client, Socket server, TcpConn a, TcpConn b) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            client.close();
            server.close();
            a.close();
            b.close();
        }
    }

    private static Setup setup() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocketChannel front = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0));
             ServerSocket back = new ServerSocket(0, 1, loopback)) {
            Socket client = new Socket(loopback, ((InetSocketAddress) front.getLocalAddress()).getPort());
            TcpConn a = new TcpConn(front.accept(), Timings.NONE);
            TcpConn b = new TcpConn(SocketChannel.open(new InetSocketAddress(loopback, back.getLocalPort())), Timings.NONE);
            return new Setup(client, back.accept(), a, b);
        }
    }

    @Test
    void bulkToASlowReaderArrivesWholeThenHalfClosesEachWay() throws Exception {
        byte[] data = new byte[8 << 20];
        new Random(7).nextBytes(data);
        try (SelectorRelay relay = new SelectorRelay(); Setup s = setup()) {
            CompletableFuture<Pipe.Result> done = relay.relay(s.a(), s.b());
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.client().getOutputStream().write(data);
                    s.client().shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            // a slow reader: the relay must hold back (pending bytes, reading paused), not drop or spin
            InputStream in = s.server().getInputStream();
            byte[] got = new byte[data.length];
            int at = 0;
            for (int n; (n = in.read(got, at, Math.min(64 * 1024, got.length - at))) > 0; ) {
                at += n;
                if (at < 1 << 20) {
                    Thread.sleep(1);
                }
            }
            writer.join();
            assertEquals(data.length, at);
            assertArrayEquals(data, got);
            assertEquals(-1, in.read(), "the client's end of stream reaches the server");
            s.server().getOutputStream().write("reply".getBytes());
            s.server().shutdownOutput();
            assertArrayEquals("reply".getBytes(), s.client().getInputStream().readAllBytes(), "the other direction went on after the half-close");
            Pipe.Result result = done.get(5, TimeUnit.SECONDS);
            assertEquals(data.length, result.aToB());
            assertEquals(5, result.bToA());
            assertNull(result.failure());
        }
    }

    @Test
    void aPairClosedFromOutsideIsFinished() throws Exception {
        try (SelectorRelay relay = new SelectorRelay(); Setup s = setup()) {
            CompletableFuture<Pipe.Result> done = relay.relay(s.a(), s.b());
            s.client().getOutputStream().write("x".getBytes());
            assertEquals('x', s.server().getInputStream().read());
            s.a().close(); // as an idle timeout or a drain does
            Pipe.Result result = done.get(2, TimeUnit.SECONDS);
            assertNotNull(result.failure());
            assertEquals(-1, s.server().getInputStream().read(), "the other side is closed too");
        }
    }
}
