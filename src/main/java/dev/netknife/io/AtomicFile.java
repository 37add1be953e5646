package dev.netknife.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.channels.FileChannel;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A download target: a regular file is written under a temporary name in the same directory and
 * renamed over the target only when complete, so a failed download never leaves a truncated file.
 * Anything else (/dev/null, a FIFO, a terminal) is written directly; nk never renames over a device.
 */
public final class AtomicFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final OutputStream out;
    private boolean committed;

    private AtomicFile(Path target, Path temp, OutputStream out) {
        this.target = target;
        this.temp = temp;
        this.out = out;
    }

    public static AtomicFile create(Path target) throws IOException {
        boolean special = Files.exists(target) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target);
        if (special) {
            return new AtomicFile(target, null, new ChannelStream(FileChannel.open(target, StandardOpenOption.WRITE)));
        }
        if (Files.isDirectory(target)) {
            throw new IOException(target + " is a directory");
        }
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".nk-part");
        return new AtomicFile(target, temp, new ChannelStream(FileChannel.open(temp, StandardOpenOption.WRITE)));
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
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a leftover .nk-part file is visible and harmless
            }
        }
    }
}
