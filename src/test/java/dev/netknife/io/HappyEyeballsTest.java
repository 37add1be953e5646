package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.NkRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 8305 on loopback: a name with an IPv4 and an IPv6 address (--resolve gives both, IPv4 first) where
 * IPv4 black-holes: a listener whose accept queue is full, so the kernel drops further SYNs, as a
 * firewall dropping packets does. IPv6 answers on the same port.
 */
class HappyEyeballsTest {

    /** A listener on 127.0.0.1:port that never accepts, its queue filled: new connections hang. */
    private static List<Socket> blackHole(ServerSocket listener) throws IOException {
        List<Socket> fillers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            try {
                s.connect(listener.getLocalSocketAddress(), 200);
                fillers.add(s);
            } catch (IOException e) {
                s.close();
                break; // the queue is full: this one hung
            }
        }
        return fillers;
    }

    @Test
    void interleavesTheFamiliesStartingWithTheFirst() {
        InetAddress a4 = InetAddress.ofLiteral("192.0.2.1");
        InetAddress b4 = InetAddress.ofLiteral("192.0.2.2");
        InetAddress a6 = InetAddress.ofLiteral("2001:db8::1");
        InetAddress b6 = InetAddress.ofLiteral("2001:db8::2");
        assertEquals(List.of(a6, a4, b6, b4), HappyEyeballs.interleave(List.of(a6, b6, a4, b4)));
        assertEquals(List.of(a4, a6, b4), HappyEyeballs.interleave(List.of(a4, b4, a6)));
        assertTrue(HappyEyeballs.applies(List.of(a4, a6)));
        assertTrue(!HappyEyeballs.applies(List.of(a4, b4)));
    }

    @Test
    void aBlackHoledFamilyCostsTheAttemptDelayNotTheTimeout() throws Exception {
        try (ServerSocket v6 = new ServerSocket()) {
            v6.bind(new InetSocketAddress(InetAddress.ofLiteral("::1"), 0));
            int port = v6.getLocalPort();
            try (ServerSocket v4 = new ServerSocket()) {
                v4.bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port), 1);
                List<Socket> fillers = blackHole(v4);
                Thread.ofVirtual().start(() -> {
                    try (Socket client = v6.accept()) {
                        client.getOutputStream().write("hello from ::1\n".getBytes());
                    } catch (IOException e) {
                        // the test is over
                    }
                });
                long start = System.nanoTime();
                NkRun.Result r = NkRun.run(new byte[0], "--json", "connect", "--connect-timeout", "5s", "--resolve", "dual.test:" + port + ":127.0.0.1,::1",
                        "dual.test", String.valueOf(port));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(0, r.code(), r.toString());
                assertEquals("hello from ::1\n", r.out());
                assertTrue(millis < 3000, "took " + millis + " ms: Happy Eyeballs moved on after 250 ms");
                java.util.regex.Matcher connect = java.util.regex.Pattern.compile("\"connect\":([0-9.]+)").matcher(r.stderr());
                assertTrue(connect.find(), r.stderr());
                assertTrue(Double.parseDouble(connect.group(1)) >= HappyEyeballs.ATTEMPT_DELAY_MILLIS - 5, r.stderr());
                NkRun.Result ipv4Only = NkRun.run(new byte[0], "connect", "--connect-timeout", "600ms", "--resolve", "v4.test:" + port + ":127.0.0.1",
                        "v4.test", String.valueOf(port));
                assertEquals(124, ipv4Only.code(), "IPv4 alone black-holes: " + ipv4Only);
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void bothFamiliesRefusingIsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        NkRun.Result r = NkRun.run("connect", "--resolve", "dual.test:" + port + ":127.0.0.1,::1", "dual.test", String.valueOf(port));
        assertEquals(4, r.code(), r.toString());
    }
}
