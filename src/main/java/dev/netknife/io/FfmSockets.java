package dev.netknife.io;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** {@link AbstractSockets} on the JVM: libc through the FFM API, errno captured with each call. */
final class FfmSockets implements AbstractSockets {
    private static final int SOCK_STREAM_NONBLOCK_CLOEXEC = 1 | 04000 | 02000000;

    private final Linker linker = Linker.nativeLinker();
    private final StructLayout capture = Linker.Option.captureStateLayout();
    private final VarHandle errno = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private final MethodHandle socket = handle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private final MethodHandle connect = handle("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private final MethodHandle bind = handle("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private final MethodHandle listen = handle("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private final MethodHandle accept4 = handle("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private final MethodHandle read = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private final MethodHandle write = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private final MethodHandle shutdown = handle("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private final MethodHandle close = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private MethodHandle handle(String name, FunctionDescriptor descriptor) {
        MemorySegment function = linker.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError(name));
        return linker.downcallHandle(function, descriptor, Linker.Option.captureCallState("errno"));
    }

    private long result(long value, MemorySegment state) {
        return value < 0 ? -(int) errno.get(state, 0L) : value;
    }

    @Override
    public int open(byte[] name, boolean listening, int backlog) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(capture);
            int fd = (int) result((int) socket.invokeExact(state, 1, SOCK_STREAM_NONBLOCK_CLOEXEC, 0), state);
            if (fd < 0) {
                return fd;
            }
            byte[] address = AbstractSockets.address(name);
            MemorySegment sockaddr = arena.allocateFrom(JAVA_BYTE, address);
            int r = listening ? (int) bind.invokeExact(state, fd, sockaddr, address.length) : (int) connect.invokeExact(state, fd, sockaddr, address.length);
            r = (int) result(r, state);
            if (r == 0 && listening) {
                r = (int) result((int) listen.invokeExact(state, fd, backlog), state);
            }
            if (r < 0) { // a Unix socket connects at once or not at all (EAGAIN: the listener's backlog is full)
                int ignored = (int) close.invokeExact(state, fd);
                return r;
            }
            return fd;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int accept(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(capture);
            return (int) result((int) accept4.invokeExact(state, fd, MemorySegment.NULL, MemorySegment.NULL, 04000 | 02000000), state);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public long read(int fd, byte[] buffer, int offset, int length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(capture);
            MemorySegment native_ = arena.allocate(length);
            long n = result((long) read.invokeExact(state, fd, native_, (long) length), state);
            if (n > 0) {
                MemorySegment.copy(native_, JAVA_BYTE, 0, buffer, offset, (int) n);
            }
            return n;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public long write(int fd, byte[] buffer, int offset, int length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(capture);
            MemorySegment native_ = arena.allocate(length);
            MemorySegment.copy(buffer, offset, native_, JAVA_BYTE, 0, length);
            return result((long) write.invokeExact(state, fd, native_, (long) length), state);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int shutdown(int fd, int how) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(capture);
            return (int) result((int) shutdown.invokeExact(state, fd, how), state);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(capture);
            return (int) result((int) close.invokeExact(state, fd), state);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
