package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** client ⇄ [front conn | Pipe | back conn] ⇄ backend, all on loopback. */
class PipeTest {
    private final Dialer dialer = new Dialer(DialOptions.defaults());

    @Test
    void carriesBothWaysAndPropagatesHalfClose() throws Exception {
        byte[] upload = new byte[1_000_000];
        new Random(7).nextBytes(upload);
        try (ServerSocket backend = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                ServerSocketChannel front = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            AtomicReference<byte[]> backendGot = new AtomicReference<>();
            Thread backendThread = Thread.ofVirtual().start(() -> {
                try (Socket s = backend.accept()) {
                    backendGot.set(s.getInputStream().readAllBytes()); // until the pipe half-closes
                    s.getOutputStream().write(("got " + backendGot.get().length).getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            AtomicReference<Pipe.Result> result = new AtomicReference<>();
            Thread piping = pipeOneClient(front, backend, result);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) front.getLocalAddress()).getPort())) {
                client.setSoTimeout(5000);
                client.getOutputStream().write(upload);
                client.shutdownOutput();
                InputStream in = client.getInputStream();
                assertEquals("got 1000000", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
            backendThread.join(5000);
            piping.join(5000);
            assertArrayEquals(upload, backendGot.get());
            assertNotNull(result.get());
            assertEquals(1_000_000, result.get().aToB());
            assertEquals(11, result.get().bToA());
            assertNull(result.get().failure());
        }
    }

    @Test
    void aResetOnOneSideClosesTheOther() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                ServerSocketChannel front = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread.ofVirtual().start(() -> {
                try {
                    Socket s = backend.accept();
                    s.getInputStream().read();
                    s.setSoLinger(true, 0);
                    s.close(); // reset
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            AtomicReference<Pipe.Result> result = new AtomicReference<>();
            Thread piping = pipeOneClient(front, backend, result);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) front.getLocalAddress()).getPort())) {
                client.setSoTimeout(5000);
                client.getOutputStream().write('x');
                try {
                    assertEquals(-1, client.getInputStream().read());
                } catch (IOException reset) {
                    // a reset passed on is fine too: the point is that the client is not left hanging
                }
            }
            piping.join(5000);
            assertNotNull(result.get());
        }
    }

    /** Accepts one client on {@code front}, dials {@code backend} and joins the two with a Pipe. */
    private Thread pipeOneClient(ServerSocketChannel front, ServerSocket backend, AtomicReference<Pipe.Result> result) {
        return Thread.ofVirtual().start(() -> {
            try (Conn a = new TcpConn(front.accept(), Timings.NONE);
                    Conn b = dialer.dial(new Endpoint("127.0.0.1", backend.getLocalPort()))) {
                result.set(new Pipe(new BufferPool()).join(a, b));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }
}
