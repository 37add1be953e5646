package dev.netknife.io;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/** {@code connect -l}: listen, take exactly one connection, stop listening. */
public final class SingleAccept {
    private SingleAccept() {
    }

    /** Binds, reports the bound address to {@code ready}, and waits for one client. */
    public static Conn accept(InetAddress bind, int port, Consumer<InetSocketAddress> ready) throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            try {
                listener.bind(new InetSocketAddress(bind, port), 1);
            } catch (IOException e) {
                throw new NkException(ExitCode.FAILURE, null,
                        "cannot listen on " + Endpoint.format(Endpoint.text(bind), port) + ": " + e.getMessage(), e);
            }
            ready.accept((InetSocketAddress) listener.getLocalAddress());
            SocketChannel channel = listener.accept();
            return new TcpConn(channel, Timings.NONE);
        }
    }

    /** As below on a Linux abstract name: the listener goes once a client is in. */
    private static Conn acceptAbstract(String name, Consumer<InetSocketAddress> ready) throws IOException {
        String where = Endpoint.UNIX_PREFIX + "@" + name;
        AbstractListener listener;
        try {
            listener = AbstractListener.listen(name, 1);
        } catch (IOException e) {
            throw new NkException(ExitCode.FAILURE, null, "cannot listen on " + where + ": " + e.getMessage(), e);
        }
        try (listener) {
            ready.accept(InetSocketAddress.createUnresolved(where, 0));
            return listener.accept();
        }
    }

    /** As above on a Unix domain socket at {@code path} (a stale socket file is replaced); the file is removed once a client is in. */
    public static Conn acceptUnix(java.nio.file.Path path, Consumer<InetSocketAddress> ready) throws IOException {
        if (path.toString().startsWith("@")) {
            return acceptAbstract(path.toString().substring(1), ready);
        }
        try (ServerSocketChannel listener = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            try {
                Server.removeStaleSocket(path);
                listener.bind(java.net.UnixDomainSocketAddress.of(path), 1);
            } catch (IOException e) {
                throw new NkException(ExitCode.FAILURE, null, "cannot listen on " + Endpoint.UNIX_PREFIX + path + ": " + e.getMessage(), e);
            }
            try {
                ready.accept(TcpConn.inet(listener.getLocalAddress()));
                return new TcpConn(listener.accept(), Timings.NONE);
            } finally {
                java.nio.file.Files.deleteIfExists(path);
            }
        }
    }
}
