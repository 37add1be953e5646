package dev.netknife.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.io.Wiretap;
import dev.netknife.support.Tshark;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation keeps each file whole: the interfaces (also those added after a rotation) and the secrets at the top of each. */
class CaptureFileTest {
    @TempDir
    Path dir;

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 6000);

    @Test
    void interfacesAndSecretsSurviveRotation() throws Exception {
        Path file = dir.resolve("r.pcapng");
        List<String> notices = new ArrayList<>();
        try (Capture capture = Capture.open(file, 8192, 1, "nk test", notices::add)) {
            Wiretap first = capture.tap("first", "the first interface");
            capture.secrets("CLIENT_RANDOM 00 11\n");
            for (int i = 0; i < 40; i++) { // 40 datagrams of ~1 KiB: several rotations of 8 KiB files
                first.datagram(A, B, ByteBuffer.allocate(1000));
            }
            Wiretap second = capture.tap("second", "added after rotating");
            second.datagram(B, A, ByteBuffer.wrap("last".getBytes()));
        }
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.getFirst().contains("rotating, keeping 1 older file(s)"), notices.toString());
        assertTrue(Files.size(file) <= 8192 && Files.size(dir.resolve("r.pcapng.1")) <= 8192);
        List<String> names = Tshark.fields(file, null, "frame.interface_name", "udp.length");
        assertEquals("second\t12", names.getLast(), names.toString());
        assertTrue(names.subList(0, names.size() - 1).stream().allMatch("first\t1008"::equals), names.toString());
        // the secrets were written again at the top of the new file
        String blocks = Tshark.read(file, "-q", "-z", "io,stat,0");
        assertTrue(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.US_ASCII).contains("CLIENT_RANDOM 00 11"), blocks);
    }
}
