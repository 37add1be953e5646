package dev.netknife.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.http.HttpInput;
import dev.netknife.http.HttpUrl;
import dev.netknife.io.TcpConn;
import dev.netknife.io.Timings;
import dev.netknife.support.Accept;
import dev.netknife.support.RawWsPeer;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** WsClient's closing: after nk's close it reads on while the peer keeps sending, and gives up only on a silent peer. */
class WsClientTest {
    private static final long CLOSE_WAIT = 400;

    private record Run(WsClient.Result result, List<String> received, long millis) {
    }

    /** Connects nk's client to {@code listener}, sends "last" and closes (as at the end of stdin), and runs to the end. */
    private static Run run(ServerSocket listener) throws Exception {
        TcpConn conn = new TcpConn(SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort())), Timings.NONE);
        try (conn) {
            HttpInput in = new HttpInput(conn);
            OutputStream out = new BufferedOutputStream(conn.out());
            Handshake.client(in, out, new Handshake.ClientRequest(HttpUrl.parseWebSocket("ws://127.0.0.1:" + listener.getLocalPort() + "/"),
                    List.of(), List.of(), null, "nk/test"));
            WsSession session = new WsSession(in, out, true, new WsSession.Options(1 << 20, 0));
            List<String> received = new ArrayList<>();
            WsClient.Listener printer = WsEchoServerTest.listener(received);
            long start = System.nanoTime();
            WsClient.Result result = new WsClient(session, conn, null).run(WsClient.texts(List.of("last".getBytes(StandardCharsets.UTF_8))),
                    new WsClient.Options(0, null, CloseCodes.NORMAL, 0, 0, CLOSE_WAIT), printer, e -> {
                    });
            return new Run(result, received, (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Test
    void aPeerStillSendingAfterOurCloseIsHeardOutPastTheCloseWait() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Accept.once(listener, s -> {
                RawWsPeer peer = RawWsPeer.serverHandshake(s);
                peer.readFrame(); // "last"
                peer.readCloseCode();
                for (int i = 1; i <= 6; i++) { // 6 x 200 ms: three times the close wait in all, never silent for as long
                    Thread.sleep(200);
                    byte[] text = ("late " + i).getBytes(StandardCharsets.UTF_8);
                    byte[] frame = new byte[2 + text.length];
                    frame[0] = (byte) 0x81;
                    frame[1] = (byte) text.length;
                    System.arraycopy(text, 0, frame, 2, text.length);
                    peer.send(frame);
                }
                peer.send(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xe8});
            });
            Run run = run(listener);
            assertEquals(WsClient.Outcome.PEER_CLOSED, run.result().outcome());
            assertEquals(List.of("late 1", "late 2", "late 3", "late 4", "late 5", "late 6"), run.received());
        }
    }

    @Test
    void aPeerSilentAfterOurCloseIsGivenUpOnAfterTheCloseWait() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Accept.once(listener, s -> {
                RawWsPeer peer = RawWsPeer.serverHandshake(s);
                peer.readFrame();
                peer.readCloseCode();
                peer.in.readAllBytes(); // never answers
            });
            Run run = run(listener);
            assertEquals(WsClient.Outcome.NO_CLOSE_ANSWER, run.result().outcome());
            assertTrue(run.millis() >= CLOSE_WAIT && run.millis() < CLOSE_WAIT + 3000, run.millis() + " ms");
        }
    }
}
