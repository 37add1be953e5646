package dev.netknife.term;

import dev.netknife.io.Tap;
import java.io.PrintStream;
import java.nio.ByteBuffer;

/**
 * {@code hexdump -C} style lines for one direction of a connection, each prefixed with the
 * direction ({@code >} sent, {@code <} received), with the offset counted per direction.
 */
public final class HexDump implements Tap {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final PrintStream out;
    private final char direction;
    private long offset;

    public HexDump(PrintStream out, char direction) {
        this.out = out;
        this.direction = direction;
    }

    @Override
    public void bytes(ByteBuffer data) {
        StringBuilder lines = new StringBuilder();
        while (data.hasRemaining()) {
            int n = Math.min(16, data.remaining());
            byte[] row = new byte[n];
            data.get(row);
            line(lines, row);
            offset += n;
        }
        synchronized (out) {
            out.print(lines);
            out.flush();
        }
    }

    private void line(StringBuilder s, byte[] row) {
        s.append(direction).append(' ');
        for (int shift = 28; shift >= 0; shift -= 4) {
            s.append(HEX[(int) (offset >>> shift) & 0xf]);
        }
        s.append("  ");
        for (int i = 0; i < 16; i++) {
            if (i < row.length) {
                s.append(HEX[(row[i] >> 4) & 0xf]).append(HEX[row[i] & 0xf]).append(' ');
            } else {
                s.append("   ");
            }
            if (i == 7) {
                s.append(' ');
            }
        }
        s.append(" |");
        for (byte b : row) {
            s.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        s.append("|\n");
    }
}
