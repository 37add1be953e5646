package dev.netknife.chat;

import dev.netknife.io.Rate;
import dev.netknife.io.Server;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A chat server on an ephemeral loopback port, with the events it reported. */
record RunningChat(ChatServer chat, Server server, Thread loop, List<ChatServer.Event> events) implements AutoCloseable {

    /** {@code rate} null: no limit. */
    static RunningChat start(Rate rate) {
        List<ChatServer.Event> events = new CopyOnWriteArrayList<>();
        ChatServer chat = new ChatServer(new ChatServer.Config(ChatServer.Config.DEFAULT_MAX_LINE, rate, 0, 0), events::add);
        Server server = Server.bind(new Server.Config(InetAddress.getLoopbackAddress(), 0, 0, 0, null), chat::serve, new Server.Events() {
        });
        return new RunningChat(chat, server, Thread.ofVirtual().start(server::serve), events);
    }

    int port() {
        return server.address().getPort();
    }

    @Override
    public void close() throws InterruptedException {
        loop.interrupt();
        chat.shutdown("the server is shutting down");
        server.close();
        loop.join();
    }
}
