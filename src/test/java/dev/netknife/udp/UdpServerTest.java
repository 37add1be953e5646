package dev.netknife.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The UDP server's protocol code on its own: echo with a prefix, limits, counters. */
class UdpServerTest {

    @Test
    void echoesWithThePrefixAndCountsWhatItDropped() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<UdpServer.Drop> drops = new CopyOnWriteArrayList<>();
        UdpServer server = UdpServer.bind(new UdpServer.Config(InetAddress.getLoopbackAddress(), 0, true,
                "> ".getBytes(StandardCharsets.US_ASCII), null, 4), new UdpServer.Listener() {
            @Override
            public void received(InetSocketAddress from, ByteBuffer payload) {
                seen.add(StandardCharsets.US_ASCII.decode(payload.duplicate()).toString());
            }

            @Override
            public void dropped(InetSocketAddress from, int size, UdpServer.Drop reason, String detail) {
                drops.add(reason);
            }
        });
        Thread serving = Thread.ofPlatform().start(server::serve);
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(2000);
            InetSocketAddress to = server.address();
            client.send(new DatagramPacket("12345".getBytes(StandardCharsets.US_ASCII), 5, to));
            client.send(new DatagramPacket("abcd".getBytes(StandardCharsets.US_ASCII), 4, to));
            DatagramPacket reply = new DatagramPacket(new byte[100], 100);
            client.receive(reply);
            assertEquals("> abcd", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
        } finally {
            serving.interrupt();
            serving.join(5000);
            server.close();
        }
        assertEquals(List.of("abcd"), seen);
        assertEquals(List.of(UdpServer.Drop.OVERSIZED), drops);
        assertEquals(new UdpServer.Stats(1, 4, 1, 6, 1, 0, 0), server.stats());
    }
}
