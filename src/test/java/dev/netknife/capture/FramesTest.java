package dev.netknife.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Checksums as RFC 1071 defines them, whatever the machine's byte order and the payload's length. */
class FramesTest {
    @Test
    void ipv4HeaderChecksumOfAKnownHeader() {
        // a header whose checksum is well known (b861), with its checksum field zeroed
        ByteBuffer header = ByteBuffer.wrap(HexFormat.of().parseHex("450000730000400040110000c0a80001c0a800c7"));
        assertEquals((short) 0xb861, Frames.checksum(Frames.sum(header, 0, 20)));
    }

    @Test
    void aSegmentVerifiesToAllOnesForEveryPayloadLength() {
        for (String family : new String[] {"127.0.0.1", "::1"}) {
            Frames.Ends ends = Frames.Ends.of(new InetSocketAddress(family, 40000), new InetSocketAddress(family, 443), true);
            for (int length : new int[] {0, 1, 2, 3, 15, 16, 17, 1001, 65_483}) {
                ByteBuffer payload = ByteBuffer.allocateDirect(length + 3).position(3);
                for (int i = 0; i < length + 3; i++) {
                    payload.put(i, (byte) (i * 31 + 7));
                }
                Frames.Segment segment = new Frames.Segment(ends, 0xfffffff0L, 12345, Frames.PSH | Frames.ACK, payload);
                ByteBuffer frame = ByteBuffer.allocate(segment.length());
                segment.writeHeaders(frame);
                frame.put(payload.duplicate());
                int tcp = segment.headerLength() - 20;
                int ipLength = ends.v6() ? 40 : 20;
                // the receiver's check: the sum over pseudo-header and segment, checksum included, folds to all ones
                long pseudo = ends.addressSum() + Frames.word(6) + Frames.word(20 + length);
                assertEquals(0, Frames.checksum(pseudo + Frames.sum(frame, tcp, frame.limit())), family + " payload " + length);
                if (!ends.v6()) {
                    assertEquals(0, Frames.checksum(Frames.sum(frame, 14, 14 + ipLength)), "IPv4 header, payload " + length);
                }
            }
        }
    }
}
