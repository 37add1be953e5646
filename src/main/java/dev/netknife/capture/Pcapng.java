package dev.netknife.capture;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The pcapng blocks nk writes (draft-ietf-opsawg-pcapng): a Section Header Block, an Interface
 * Description Block per interface (Ethernet, nanosecond timestamps), Enhanced Packet Blocks and
 * Decryption Secrets Blocks holding NSS key log lines. Big-endian: the byte-order magic tells readers.
 */
final class Pcapng {
    static final int LINKTYPE_ETHERNET = 1;
    /** Largest frame an interface keeps whole (tcpdump's default snap length). */
    static final int SNAP_LENGTH = 262_144;
    /** Block type, length, interface, timestamp (2), captured and original length; then the data, then the length again. */
    static final int PACKET_OVERHEAD = 32;

    private static final int SECTION_HEADER = 0x0A0D0D0A;
    private static final int INTERFACE_DESCRIPTION = 0x00000001;
    private static final int ENHANCED_PACKET = 0x00000006;
    private static final int DECRYPTION_SECRETS = 0x0000000A;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int TLS_KEY_LOG = 0x544c534b;
    private static final short OPT_END = 0;
    private static final short SHB_USER_APPLICATION = 4;
    private static final short IF_NAME = 2;
    private static final short IF_DESCRIPTION = 3;
    private static final short IF_TIMESTAMP_RESOLUTION = 9;
    private static final byte NANOSECONDS = 9;

    private Pcapng() {
    }

    static byte[] sectionHeader(String application) {
        byte[] app = application.getBytes(StandardCharsets.UTF_8);
        int length = 24 + option(app.length) + 4 + 4;
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(SECTION_HEADER).putInt(length).putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0)
                .putLong(-1); // section length unknown: the file grows
        putOption(b, SHB_USER_APPLICATION, app);
        b.putShort(OPT_END).putShort((short) 0).putInt(length);
        return b.array();
    }

    static byte[] interfaceDescription(String name, String description) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] d = description.getBytes(StandardCharsets.UTF_8);
        int length = 16 + option(n.length) + option(d.length) + option(1) + 4 + 4;
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(INTERFACE_DESCRIPTION).putInt(length).putShort((short) LINKTYPE_ETHERNET).putShort((short) 0).putInt(SNAP_LENGTH);
        putOption(b, IF_NAME, n);
        putOption(b, IF_DESCRIPTION, d);
        putOption(b, IF_TIMESTAMP_RESOLUTION, new byte[] {NANOSECONDS});
        b.putShort(OPT_END).putShort((short) 0).putInt(length);
        return b.array();
    }

    static byte[] decryptionSecrets(byte[] keyLog) {
        int length = 16 + padded(keyLog.length) + 4;
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(DECRYPTION_SECRETS).putInt(length).putInt(TLS_KEY_LOG).putInt(keyLog.length).put(keyLog);
        b.position(length - 4);
        b.putInt(length);
        return b.array();
    }

    /** The whole block's length for a frame of which {@code captured} bytes are kept. */
    static int packetBlockLength(int captured) {
        return PACKET_OVERHEAD + padded(captured);
    }

    /** The first 28 bytes of an Enhanced Packet Block, at {@code start} of {@code to} (its position unchanged). */
    static void packetHeader(ByteBuffer to, int start, int iface, long epochNanos, int captured, int original) {
        to.putInt(start, ENHANCED_PACKET).putInt(start + 4, packetBlockLength(captured)).putInt(start + 8, iface)
                .putInt(start + 12, (int) (epochNanos >>> 32)).putInt(start + 16, (int) epochNanos)
                .putInt(start + 20, captured).putInt(start + 24, original);
    }

    /** The end of the block after its {@code captured} frame bytes: padding, then the block's length again. */
    static void packetTrailer(ByteBuffer to, int captured) {
        for (int i = captured; i < padded(captured); i++) {
            to.put((byte) 0);
        }
        to.putInt(packetBlockLength(captured));
    }

    private static int option(int valueLength) {
        return 4 + padded(valueLength);
    }

    private static void putOption(ByteBuffer b, short code, byte[] value) {
        b.putShort(code).putShort((short) value.length).put(value);
        b.position(b.position() + padded(value.length) - value.length);
    }

    static int padded(int n) {
        return (n + 3) & ~3;
    }
}
