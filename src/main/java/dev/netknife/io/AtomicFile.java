package dev.netknife.io;

import dev.netknife.NkException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.channels.FileChannel;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A download target: a regular file is written under a temporary name in the same directory and
 * renamed over the target only when complete, so a failed download never leaves a truncated file.
 * Anything else (/dev/null, a FIFO, a terminal) is written directly; nk never renames over a device.
 */
public final class AtomicFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final OutputStream out;
    private final Thread removeOnExit;
    private boolean committed;

    private AtomicFile(Path target, Path temp, OutputStream out) {
        this.target = target;
        this.temp = temp;
        this.out = out;
        // Ctrl-C or SIGTERM mid-download: the temporary file goes too (the exit stays 130 or 143)
        this.removeOnExit = temp == null ? null : new Thread(() -> deleteQuietly(temp), "nk-remove-part");
        if (removeOnExit != null && !ShutdownHooks.add(removeOnExit)) {
            deleteQuietly(temp);
        }
    }

    /** A usage error (naming {@code option}) when {@code file} cannot be written: said before any connection is made. */
    public static void checkWritable(Path file, String option) {
        if (Files.isDirectory(file)) {
            throw NkException.usage(option + ": " + file + " is a directory");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw NkException.usage(option + ": no such directory " + dir);
        }
        if (dir != null && !Files.exists(file) && !Files.isWritable(dir)) {
            throw NkException.usage(option + ": cannot write in " + dir);
        }
    }

    public static AtomicFile create(Path link) throws IOException {
        boolean isLink = Files.isSymbolicLink(link);
        Path absolute = link.toAbsolutePath();
        // /dev/fd/N, /proc/self/fd/N and the like: written through, whatever they lead to, never renamed over
        boolean ownStream = isLink && (absolute.startsWith("/dev") || absolute.startsWith("/proc"));
        // any other link to a regular file stays a link: the file it leads to is what gets replaced
        Path target = isLink && !ownStream && Files.isRegularFile(link) ? link.toRealPath() : link;
        boolean special = ownStream || Files.exists(target) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target);
        if (special) {
            return new AtomicFile(target, null, new ChannelStream(FileChannel.open(target, StandardOpenOption.WRITE)));
        }
        if (Files.isDirectory(target)) {
            throw new IOException(target + " is a directory");
        }
        Path dir = target.toAbsolutePath().getParent();
        for (int attempt = 0; ; attempt++) {
            // not Files.createTempFile: its files are 0600, so every download would end up unreadable
            // to others; a plain create gets the umask's mode, as curl's and wget's files do
            Path temp = dir.resolve("." + target.getFileName() + "." + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + ".nk-part");
            FileChannel channel;
            try {
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (attempt < 10) {
                    continue;
                }
                throw e;
            }
            keepMode(target, temp);
            return new AtomicFile(target, temp, new ChannelStream(channel));
        }
    }

    /** A file that is replaced keeps its permissions, as it would if it were truncated and rewritten. */
    private static void keepMode(Path target, Path temp) {
        try {
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not POSIX, or not ours to read: the new file keeps the umask's mode
        }
    }

    /** An OutputStream over a FileChannel that also hands out the channel (for direct-buffer writes). */
    public static final class ChannelStream extends OutputStream implements ChannelOutput {
        private final FileChannel channel;

        ChannelStream(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public java.nio.channels.WritableByteChannel channel() {
            return channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(b, off, len);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    public OutputStream stream() {
        return out;
    }

    /** Closes and moves the finished file into place. */
    public void commit() throws IOException {
        out.close();
        if (temp != null) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ShutdownHooks.remove(removeOnExit);
        }
        committed = true;
    }

    /** Without a commit, the temporary file is removed and the target is left as it was. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // being discarded anyway
        }
        if (temp != null) {
            deleteQuietly(temp);
            ShutdownHooks.remove(removeOnExit);
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover .nk-part file is visible and harmless
        }
    }
}
