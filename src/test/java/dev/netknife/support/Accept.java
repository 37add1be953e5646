package dev.netknife.support;

import java.net.ServerSocket;
import java.net.Socket;

/** A hand-written misbehaving server for one client: accept on a virtual thread, run the behaviour, close. */
public final class Accept {
    private Accept() {
    }

    @FunctionalInterface
    public interface Behaviour {
        void on(Socket client) throws Exception;
    }

    public static void once(ServerSocket server, Behaviour behaviour) {
        Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                behaviour.on(s);
            } catch (Exception e) {
                // the test is over or the client went away: nothing to report here
            }
        });
    }
}
