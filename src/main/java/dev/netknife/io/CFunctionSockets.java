package dev.netknife.io;

import org.graalvm.nativeimage.PinnedObject;
import org.graalvm.nativeimage.c.function.CFunction;
import org.graalvm.nativeimage.c.type.CCharPointer;
import org.graalvm.nativeimage.c.type.CIntPointer;
import org.graalvm.word.PointerBase;
import org.graalvm.word.WordFactory;

/**
 * {@link AbstractSockets} in the native executable: libc through GraalVM's C interface (its FFM support,
 * svm-foreign, is not on Maven Central). Loaded by name in the native executable only; the JVM never sees it.
 * Java arrays are pinned for the length of each call.
 */
final class CFunctionSockets implements AbstractSockets {
    private static final int SOCK_STREAM_NONBLOCK_CLOEXEC = 1 | 04000 | 02000000;

    @CFunction("socket")
    private static native int socket(int domain, int type, int protocol);

    @CFunction("connect")
    private static native int connect(int fd, CCharPointer address, int length);

    @CFunction("bind")
    private static native int bind(int fd, CCharPointer address, int length);

    @CFunction("listen")
    private static native int listen(int fd, int backlog);

    @CFunction("accept4")
    private static native int accept4(int fd, PointerBase address, PointerBase length, int flags);

    @CFunction("read")
    private static native long read(int fd, CCharPointer buffer, long count);

    @CFunction("write")
    private static native long write(int fd, CCharPointer buffer, long count);

    @CFunction("shutdown")
    private static native int shutdown0(int fd, int how);

    @CFunction("close")
    private static native int close0(int fd);

    @CFunction(value = "__errno_location", transition = CFunction.Transition.NO_TRANSITION)
    private static native CIntPointer errnoLocation();

    private static long result(long value) {
        return value < 0 ? -errnoLocation().read() : value;
    }

    @Override
    public int open(byte[] name, boolean listening, int backlog) {
        int fd = (int) result(socket(1, SOCK_STREAM_NONBLOCK_CLOEXEC, 0));
        if (fd < 0) {
            return fd;
        }
        byte[] address = AbstractSockets.address(name);
        int r;
        try (PinnedObject pinned = PinnedObject.create(address)) {
            CCharPointer sockaddr = pinned.addressOfArrayElement(0);
            r = (int) result(listening ? bind(fd, sockaddr, address.length) : connect(fd, sockaddr, address.length));
        }
        if (r == 0 && listening) {
            r = (int) result(listen(fd, backlog));
        }
        if (r < 0) { // a Unix socket connects at once or not at all (EAGAIN: the listener's backlog is full)
            close0(fd);
            return r;
        }
        return fd;
    }

    @Override
    public int accept(int fd) {
        return (int) result(accept4(fd, WordFactory.nullPointer(), WordFactory.nullPointer(), 04000 | 02000000));
    }

    @Override
    public long read(int fd, byte[] buffer, int offset, int length) {
        try (PinnedObject pinned = PinnedObject.create(buffer)) {
            return result(read(fd, pinned.addressOfArrayElement(offset), length));
        }
    }

    @Override
    public long write(int fd, byte[] buffer, int offset, int length) {
        try (PinnedObject pinned = PinnedObject.create(buffer)) {
            return result(write(fd, pinned.addressOfArrayElement(offset), length));
        }
    }

    @Override
    public int shutdown(int fd, int how) {
        return (int) result(shutdown0(fd, how));
    }

    @Override
    public int close(int fd) {
        return (int) result(close0(fd));
    }
}
