package dev.netknife.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A pcapng file that is valid at every moment: blocks go to the file whole, straight from one buffer in
 * one write each time (no buffering in the process), so a reader, a crash or a SIGKILL finds every block
 * written so far. With a {@link Bound} the file never grows past its size: it stops there, or rotates
 * (FILE becomes FILE.1, FILE.1 FILE.2, and so on; a new FILE starts with the section header, the
 * interfaces and the secrets kept so far). A frame too big for an empty file is cut short, as a snap
 * length would. A write failure (a full disk) ends the capture, never the connection.
 */
final class CaptureFile implements AutoCloseable {
    /** {@code maxBytes} 0: unbounded; {@code keepOlder} 0: stop at the bound, else rotate, keeping that many older files. */
    record Bound(long maxBytes, int keepOlder) {
        static final Bound NONE = new Bound(0, 0);
    }

    /** One frame seen on interface {@code iface} at {@code epochNanos}. */
    record Packet(int iface, long epochNanos, Frames.Frame frame) {
    }

    private static final int BUFFER = 256 * 1024;
    /** Room one packet's small parts need in the buffer: block header and trailer, Ethernet, IPv6 and TCP headers. */
    private static final int SMALL_PARTS_PER_PACKET = 256;
    private static final int MAX_PARTS = 512;
    /** Secrets written again at the start of a rotated file: the newest ones, this many bytes at most. */
    private static final int SECRETS_KEPT = 64 * 1024;

    private final Path path;
    private final Bound bound;
    private final Consumer<String> notices;
    private final byte[] sectionHeader;
    private final List<byte[]> interfaces = new ArrayList<>();
    private final ArrayDeque<byte[]> secrets = new ArrayDeque<>();
    private int secretBytes;
    /** Block and frame headers, and whole small blocks, between the payloads of one gathering write. */
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER);
    private final List<ByteBuffer> parts = new ArrayList<>();
    private int mark;
    private long payloadBytes;
    private FileChannel channel;
    private long size;
    private boolean stopped;
    private boolean closed;
    private boolean rotated;

    private CaptureFile(Path path, Bound bound, String application, Consumer<String> notices) {
        this.path = path;
        this.bound = bound;
        this.notices = notices;
        this.sectionHeader = Pcapng.sectionHeader(application);
    }

    /** Creates (or empties) {@code path} and writes the section header. */
    static CaptureFile create(Path path, Bound bound, String application, Consumer<String> notices) throws IOException {
        CaptureFile file = new CaptureFile(path, bound, application, notices);
        file.start();
        return file;
    }

    /**
     * Opens the file: a new one is made readable by its owner only (it holds TLS secrets), as the key log
     * is; an existing one (a FIFO that Wireshark reads, too) keeps its permissions.
     */
    private void start() throws IOException {
        if (!Files.exists(path) && path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // made meanwhile: opened as it is
            }
        }
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        size = 0;
        out.clear();
        out.put(sectionHeader);
        for (byte[] idb : interfaces) {
            out.put(idb);
        }
        if (!secrets.isEmpty()) {
            ByteBuffer all = ByteBuffer.allocate(secretBytes);
            secrets.forEach(all::put);
            out.put(Pcapng.decryptionSecrets(all.array()));
        }
        flush();
    }

    /** Adds an interface (its description block goes out now); returns its number. */
    synchronized int addInterface(String name, String description) {
        byte[] idb = Pcapng.interfaceDescription(name, description);
        if (writable() && room(idb.length)) { // (a rotation in room() writes the interfaces known so far)
            out.put(idb);
            flush();
        }
        interfaces.add(idb);
        return interfaces.size() - 1;
    }

    /** NSS key log lines, written as a Decryption Secrets Block. */
    synchronized void secrets(byte[] keyLogLines) {
        byte[] dsb = Pcapng.decryptionSecrets(keyLogLines);
        if (writable() && room(dsb.length)) { // (a rotation in room() writes the secrets kept so far)
            out.put(dsb);
            flush();
        }
        secrets.addLast(keyLogLines);
        secretBytes += keyLogLines.length;
        while (secretBytes > SECRETS_KEPT && secrets.size() > 1) {
            secretBytes -= secrets.removeFirst().length;
        }
    }

    /**
     * Writes the packets, in order, with one gathering write: the block headers and frame headers from
     * this file's buffer, each payload straight from the buffer it is in (no copy in nk).
     */
    synchronized void write(List<Packet> batch) {
        for (Packet packet : batch) {
            if (!writable()) {
                break;
            }
            Frames.Frame frame = packet.frame();
            int original = frame.length();
            if (out.remaining() < SMALL_PARTS_PER_PACKET || parts.size() >= MAX_PARTS) {
                flush();
            }
            int captured = original;
            if (!room(Pcapng.packetBlockLength(captured))) {
                long left = (bound.maxBytes() - size - pending() - Pcapng.PACKET_OVERHEAD) & ~3;
                if (left < frame.headerLength() || !writable()) { // not even the headers fit an empty file
                    continue;
                }
                captured = (int) Math.min(original, left);
            }
            int start = out.position();
            out.position(start + Pcapng.PACKET_OVERHEAD - 4);
            frame.writeHeaders(out);
            int kept = captured - frame.headerLength();
            if (kept > 0) {
                ByteBuffer payload = frame.payload();
                parts.add(out.slice(mark, out.position() - mark));
                parts.add(payload.slice(payload.position(), kept));
                payloadBytes += kept;
                mark = out.position();
            }
            Pcapng.packetHeader(out, start, packet.iface(), packet.epochNanos(), captured, original);
            Pcapng.packetTrailer(out, captured);
        }
        flush();
    }

    /** Bytes gathered for the next write. */
    private long pending() {
        return out.position() + payloadBytes;
    }

    private boolean writable() {
        return !stopped && !closed;
    }

    /**
     * Whether a block of {@code length} bytes fits the bound, after what is buffered; when it does not,
     * the buffer is written and the file rotated (true when it fits the new one) or the capture stopped.
     */
    private boolean room(int length) {
        if (bound.maxBytes() == 0 || size + pending() + length <= bound.maxBytes()) {
            return true;
        }
        flush();
        if (bound.keepOlder() == 0) {
            stopped = true;
            notices.accept("capture " + path + " reached --pcap-max " + bound.maxBytes() + " bytes: capturing stopped"
                    + " (--pcap-rotate N keeps capturing into a new file)");
            return false;
        }
        try {
            rotate();
        } catch (IOException e) {
            fail(e);
            return false;
        }
        return size + pending() + length <= bound.maxBytes();
    }

    private void rotate() throws IOException {
        channel.close();
        for (int i = bound.keepOlder(); i >= 1; i--) {
            Path older = older(i - 1);
            if (Files.exists(older)) {
                Files.move(older, older(i), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!rotated) {
            rotated = true;
            notices.accept("capture " + path + " reached --pcap-max " + bound.maxBytes() + " bytes: rotating, keeping "
                    + bound.keepOlder() + " older file(s) (" + path.getFileName() + ".1 the newest)");
        }
        start();
    }

    /** FILE for 0, else FILE.n. */
    private Path older(int n) {
        return n == 0 ? path : path.resolveSibling(path.getFileName() + "." + n);
    }

    private void flush() {
        parts.add(out.slice(mark, out.position() - mark));
        ByteBuffer[] all = parts.toArray(ByteBuffer[]::new);
        try {
            long left = pending();
            while (left > 0) {
                long n = channel.write(all);
                size += n;
                left -= n;
            }
        } catch (IOException e) {
            fail(e);
        } finally {
            out.clear();
            parts.clear();
            mark = 0;
            payloadBytes = 0;
        }
    }

    private void fail(IOException e) {
        if (!stopped) {
            stopped = true;
            try {
                channel.truncate(size); // no half block at the end
            } catch (IOException ignored) {
                // the file may be gone altogether
            }
            notices.accept("capture " + path + " stopped: " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // every block was written already
            }
        }
    }
}
