package dev.netknife.io;

import java.io.IOException;

/**
 * Linux's abstract Unix domain socket names ({@code @name}: no file, a leading NUL byte), which the JDK
 * cannot address (a UnixDomainSocketAddress is a Path). The few system calls they need, on the JVM through
 * the FFM API ({@code FfmSockets}) and in the native executable through GraalVM's C interface
 * ({@code CFunctionSockets}; its FFM support is not on Maven Central). Every socket is non-blocking, so no
 * call waits in native code (a virtual thread there would hold its carrier): {@link FdConn} waits in Java.
 * Calls return what the system call returns, or minus errno.
 */
interface AbstractSockets {
    int EAGAIN = 11;
    int EINTR = 4;

    /** A non-blocking stream socket connected to the abstract name (without its @), or minus errno. */
    default int connect(byte[] name) {
        return open(name, false, 0);
    }

    /** A non-blocking listening socket bound to the abstract name, or minus errno. */
    default int listen(byte[] name, int backlog) {
        return open(name, true, backlog);
    }

    /** A non-blocking stream socket on the abstract name: connected, or bound and listening; or minus errno. */
    int open(byte[] name, boolean listening, int backlog);

    /** A non-blocking connection accepted on {@code fd}, or minus errno (-EAGAIN: none yet). */
    int accept(int fd);

    /** Bytes read into {@code buffer[offset, offset+length)}: 0 at end of stream, or minus errno. */
    long read(int fd, byte[] buffer, int offset, int length);

    /** Bytes written from {@code buffer[offset, offset+length)}, or minus errno. */
    long write(int fd, byte[] buffer, int offset, int length);

    /** shutdown(2): 1 the write side, 2 both. */
    int shutdown(int fd, int how);

    int close(int fd);

    /**
     * The implementation for this runtime. The JVM never loads CFunctionSockets (GraalVM's C interface is not on its
     * class path); the native executable never holds FfmSockets, which is named at run time so that the image's
     * analysis does not take it in.
     */
    static AbstractSockets load() throws IOException {
        if (dev.netknife.BuildInfo.isNativeImage()) {
            return new CFunctionSockets();
        }
        try {
            return (AbstractSockets) Class.forName(AbstractSockets.class.getPackageName() + ".FfmSockets").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IOException("abstract socket names are not available here: " + e, e);
        }
    }

    /** The sockaddr_un of an abstract name: family AF_UNIX, a NUL, the name; its length is 3 + the name's. */
    static byte[] address(byte[] name) {
        byte[] address = new byte[2 + 1 + name.length];
        address[0] = 1; // AF_UNIX, little-endian sa_family_t
        System.arraycopy(name, 0, address, 3, name.length);
        return address;
    }
}
