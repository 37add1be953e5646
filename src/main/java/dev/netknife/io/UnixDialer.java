package dev.netknife.io;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.SocketChannel;

/** The Unix-socket half of {@link Dialer}: socket files through the JDK, Linux abstract names through {@link AbstractSockets}. */
final class UnixDialer {
    private UnixDialer() {
    }

    /**
     * A connection to the Unix domain socket at {@code path} (curl --unix-socket, ncat -U). The host and port of the target still name it (Host, SNI, certificate checks).
     */
    static Conn dial(java.nio.file.Path path) {
        if (path.toString().startsWith("@")) {
            return dialAbstract(path.toString().substring(1));
        }
        long start = System.nanoTime();
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            channel.connect(java.net.UnixDomainSocketAddress.of(path)); // local: it connects or fails at once, no timeout needed
            return new TcpConn(channel, Timings.connected(-1, System.nanoTime() - start));
        } catch (IOException e) {
            Dialer.closeQuietly(channel);
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String where = Endpoint.UNIX_PREFIX + path;
            if (message.contains("No such file") || e instanceof java.nio.file.NoSuchFileException) {
                throw new NkException(ExitCode.REFUSED, "connect", "no Unix socket at " + path + " (" + where + ")", e);
            }
            if (e instanceof ConnectException || message.contains("refused")) {
                throw new NkException(ExitCode.REFUSED, "connect", "connection refused (" + where + ")", e);
            }
            throw new NkException(ExitCode.FAILURE, "connect", "connect failed: " + message + " (" + where + ")", e);
        }
    }

    /** A connection to a Linux abstract Unix socket name (given without its @), which the JDK cannot address ({@link AbstractSockets}). */
    private static Conn dialAbstract(String name) {
        long start = System.nanoTime();
        String where = Endpoint.UNIX_PREFIX + "@" + name;
        AbstractSockets sockets;
        try {
            sockets = AbstractSockets.load();
        } catch (IOException e) {
            throw new NkException(ExitCode.FAILURE, "connect", e.getMessage() + " (" + where + ")", e);
        }
        int fd = sockets.connect(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (fd < 0) {
            throw switch (-fd) {
                case 111 -> new NkException(ExitCode.REFUSED, "connect", "connection refused: nothing listens on " + where + " (" + where + ")", null);
                case AbstractSockets.EAGAIN -> new NkException(ExitCode.REFUSED, "connect", "the listener's backlog is full (" + where + ")", null);
                default -> new NkException(ExitCode.FAILURE, "connect", "connect failed (errno " + -fd + ") (" + where + ")", null);
            };
        }
        return new FdConn(sockets, fd, name, Timings.connected(-1, System.nanoTime() - start));
    }
}
