package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Accept;
import dev.netknife.support.NkRun;
import dev.netknife.support.Peers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The local end of a client connection: --bind / -s and --local-port / -p, as ncat and curl take them. */
class SourceAddressTest {

    @Test
    void connectFromAGivenAddressAndPort() throws Exception {
        List<InetSocketAddress> peers = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Accept.each(server, 5000, c -> {
                peers.add((InetSocketAddress) c.getRemoteSocketAddress());
                c.getOutputStream().write("seen\n".getBytes(StandardCharsets.US_ASCII));
            });
            int local = Peers.freePort();
            NkRun.Result r = NkRun.run(new byte[0], "connect", "-s", "127.0.0.1", "-p", String.valueOf(local), "127.0.0.1", String.valueOf(server.getLocalPort()));
            assertEquals(0, r.code(), r.toString());
            assertEquals(local, peers.getLast().getPort());
            int another = Peers.freePort();
            NkRun.Result http = NkRun.run("http-get", "--local-port", String.valueOf(another), "--connect-timeout", "2s",
                    "http://127.0.0.1:" + server.getLocalPort() + "/");
            assertEquals(another, peers.getLast().getPort(), http.toString());
        }
    }

    @Test
    void aSourceOfTheOtherFamilyIsAUsageError() {
        NkRun.Result r = NkRun.run("connect", "--bind", "::1", "127.0.0.1", "9");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.stderr().startsWith("nk: connect: --bind ::1 is IPv6, and 127.0.0.1 has no IPv6 address"), r.stderr());
        NkRun.Result notLocal = NkRun.run("connect", "--bind", "192.0.2.77", "127.0.0.1", "9");
        assertEquals(1, notLocal.code(), notLocal.toString());
        assertTrue(notLocal.stderr().startsWith("nk: connect: cannot connect from 192.0.2.77:0: "), notLocal.stderr());
    }

    @Test
    void listenPortAsNcTakesIt() throws Exception {
        int port = Peers.freePort();
        java.util.concurrent.CompletableFuture<NkRun.Result> listening = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> NkRun.run(new byte[0], "connect", "-l", "-p", String.valueOf(port)));
        java.net.Socket client = null;
        for (int i = 0; i < 250 && client == null; i++) { // the first connection is the one connect -l serves: no probing first
            try {
                client = new java.net.Socket("127.0.0.1", port);
            } catch (java.net.ConnectException e) {
                Thread.sleep(20);
            }
        }
        try (java.net.Socket s = client) {
            s.getOutputStream().write("nc -l -p\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            s.getInputStream().readAllBytes();
        }
        NkRun.Result r = listening.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.toString());
        assertEquals("nc -l -p\n", r.out());
    }
}
