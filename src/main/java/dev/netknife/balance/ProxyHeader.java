package dev.netknife.balance;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The PROXY protocol header (HAProxy's spec, versions 1 and 2) that tells a backend who the client is. */
public final class ProxyHeader {
    private static final byte[] V2_SIGNATURE = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

    private ProxyHeader() {
    }

    /** {@code client} is the client's address, {@code proxy} the address it connected to on nk. */
    public static ByteBuffer v1(InetSocketAddress client, InetSocketAddress proxy) {
        boolean four = client.getAddress() instanceof Inet4Address && proxy.getAddress() instanceof Inet4Address;
        String line = "PROXY " + (four ? "TCP4 " : "TCP6 ") + text(client, four) + " " + text(proxy, four) + " "
                + client.getPort() + " " + proxy.getPort() + "\r\n";
        return ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
    }

    public static ByteBuffer v2(InetSocketAddress client, InetSocketAddress proxy) {
        boolean four = client.getAddress() instanceof Inet4Address && proxy.getAddress() instanceof Inet4Address;
        byte[] src = four ? client.getAddress().getAddress() : v6(client);
        byte[] dst = four ? proxy.getAddress().getAddress() : v6(proxy);
        int length = src.length + dst.length + 4;
        ByteBuffer b = ByteBuffer.allocate(16 + length);
        b.put(V2_SIGNATURE).put((byte) 0x21).put((byte) (four ? 0x11 : 0x21)).putShort((short) length);
        b.put(src).put(dst).putShort((short) client.getPort()).putShort((short) proxy.getPort());
        return b.flip();
    }

    private static String text(InetSocketAddress a, boolean four) {
        if (four) {
            return a.getAddress().getHostAddress();
        }
        byte[] v6 = v6(a);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                s.append(':');
            }
            s.append(Integer.toHexString((v6[i] & 0xff) << 8 | (v6[i + 1] & 0xff)));
        }
        return s.toString();
    }

    /** The IPv6 form; an IPv4 address becomes ::ffff:a.b.c.d. */
    private static byte[] v6(InetSocketAddress a) {
        byte[] raw = a.getAddress().getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }
}
