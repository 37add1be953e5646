package dev.netknife.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Conn;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.Endpoint;
import dev.netknife.io.IpVersion;
import dev.netknife.io.Server;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The chat client's connection against the chat server, both as the package offers them: no command line. */
class ChatClientTest {

    @Test
    void theClientJoinsSaysItsLinesAndGetsTheServersGoodbyeAfterItsInputEnds() throws Exception {
        ChatServer chat = new ChatServer(new ChatServer.Config(ChatServer.Config.DEFAULT_MAX_LINE, null, 0, 0,
                ChatServer.Config.DEFAULT_MAX_QUEUE_BYTES), event -> { });
        Server server = Server.bind(new Server.Config(InetAddress.getLoopbackAddress(), 0, 0, 0, null), chat::serve, new Server.Events() {
        });
        Thread loop = Thread.ofVirtual().start(server::serve);
        try (Socket watcher = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
            BufferedReader fromServer = new BufferedReader(new InputStreamReader(watcher.getInputStream(), StandardCharsets.UTF_8));
            OutputStream toServer = watcher.getOutputStream();
            toServer.write("watcher\n".getBytes(StandardCharsets.UTF_8));
            toServer.flush();
            awaitLine(fromServer, "* you are watcher");

            List<String> heard = new CopyOnWriteArrayList<>();
            Iterator<String> input = List.of("hello there", "/me waves").iterator();
            try (Conn conn = new Dialer(new DialOptions(5_000, IpVersion.ANY)).dial(Endpoint.of("127.0.0.1", String.valueOf(server.address().getPort())))) {
                ChatClient.run(conn, "alice", () -> input.hasNext() ? input.next() : null, heard::add);
            }
            assertEquals("<alice> hello there", awaitLine(fromServer, "<alice>"));
            assertEquals("* alice waves", awaitLine(fromServer, "* alice waves"));
            assertTrue(heard.stream().anyMatch(l -> l.startsWith("* you are alice")), heard.toString());
            assertEquals("* alice left", awaitLine(fromServer, "* alice left")); // the half-close ended alice's session
        } finally {
            loop.interrupt();
            server.close();
            loop.join();
        }
    }

    @Test
    void nicknamesFollowTheServersRules() {
        assertEquals("alice", ChatClient.nick("alice", "root"));
        assertEquals("j_doe-2", ChatClient.nick(null, "j.doe-2"));
        assertEquals("guest", ChatClient.nick(null, null));
        assertEquals(32, ChatClient.nick(null, "x".repeat(40)).length());
        NkException e = assertThrows(NkException.class, () -> ChatClient.nick("bad nick", null));
        assertEquals(ExitCode.USAGE, e.exitCode());
    }

    private static String awaitLine(BufferedReader in, String prefix) throws java.io.IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("closed before a line starting with " + prefix);
    }
}
