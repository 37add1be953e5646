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

    /**
     * Every client until {@code server} closes, each on a virtual thread of its own with reads bounded by
     * {@code readTimeoutMillis}; what a behaviour throws ends only that client.
     */
    public static void each(ServerSocket server, int readTimeoutMillis, Behaviour behaviour) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (client) {
                            client.setSoTimeout(readTimeoutMillis);
                            behaviour.on(client);
                        } catch (Exception e) {
                            // the client went away or the test is over
                        }
                    });
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
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
