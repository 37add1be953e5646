package dev.netknife.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResumptionSecretsTest {

    /** An HkdfLabel as RFC 8446 7.1 lays it out: uint16 length, opaque8 "tls13 " + label, opaque8 context. */
    private static byte[] hkdfLabel(String label, byte[] context, int length) {
        byte[] name = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(length >> 8);
        out.write(length);
        out.write(name.length);
        out.writeBytes(name);
        out.write(context.length);
        out.writeBytes(context);
        return out.toByteArray();
    }

    @Test
    void theExternalBinderLabelBecomesTheResumptionOne() {
        byte[] context = new byte[32];
        context[0] = 7;
        assertArrayEquals(hkdfLabel("res binder", context, 32), ResumptionSecrets.relabel(hkdfLabel("ext binder", context, 32)));
    }

    @Test
    void everyOtherLabelStaysAsItIs() {
        for (String label : new String[] {"res binder", "c hs traffic", "derived", "ext binderx", "finished"}) {
            byte[] info = hkdfLabel(label, new byte[0], 48);
            assertSame(info, ResumptionSecrets.relabel(info), label);
        }
        byte[] shortInfo = {0, 32, 3};
        assertSame(shortInfo, ResumptionSecrets.relabel(shortInfo));
        assertEquals("res binder", KeyLogSecret.label(ResumptionSecrets.relabel(hkdfLabel("ext binder", new byte[0], 32))));
    }
}
