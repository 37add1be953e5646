package dev.netknife.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast validator agrees with the JDK's strict decoder, on text and on random bytes. */
class Utf8Test {

    private static boolean jdk(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void agreesWithTheJdkDecoder() {
        String[] texts = {"", "plain ascii, longer than eight bytes", "caf\u00e9", "\u20ac uro", "\ud83d\ude00 smile", "\u07ff\u0800\uffff"};
        for (String t : texts) {
            byte[] b = t.getBytes(StandardCharsets.UTF_8);
            assertEquals(true, Utf8.valid(b, 0, b.length), t);
        }
        byte[][] bad = {{(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xe2, (byte) 0x82}, {(byte) 0xff}, {'a', 'b', 'c', 'd', 'e', 'f', 'g', (byte) 0xc3}};
        for (byte[] b : bad) {
            assertEquals(false, Utf8.valid(b, 0, b.length));
        }
        Random random = new Random(9);
        for (int n = 0; n < 20_000; n++) {
            byte[] b = new byte[random.nextInt(12)];
            random.nextBytes(b);
            for (int i = 0; i < b.length; i++) {
                if (random.nextInt(3) == 0) {
                    b[i] &= 0x7f;
                }
            }
            assertEquals(jdk(b), Utf8.valid(b, 0, b.length), java.util.HexFormat.of().formatHex(b));
        }
    }
}
