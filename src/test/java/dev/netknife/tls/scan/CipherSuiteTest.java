package dev.netknife.tls.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.Peers;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The suite table against its sources (BouncyCastle's constants, the local OpenSSL's names) and what a scan says of a suite. */
class CipherSuiteTest {
    private final CipherSuite.Table table = CipherSuite.table();

    @Test
    void everyBouncyCastleSuiteIsInTheTableUnderItsIanaName() throws Exception {
        int checked = 0;
        for (Field f : org.bouncycastle.tls.CipherSuite.class.getFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("TLS_")) {
                int code = f.getInt(null);
                if (code == 0 || code == 0x00ff || code == 0x5600) {
                    continue; // TLS_NULL_WITH_NULL_NULL and the two signalling values are not suites
                }
                assertEquals(f.getName(), table.byCode(code).iana(), String.format("0x%04x", code));
                checked++;
            }
        }
        assertEquals(table.all().size(), checked, "no suite in the table that BouncyCastle does not name");
    }

    @Test
    void opensslNamesAreTheLocalOpensslsOwn() throws Exception {
        String openssl = Peers.require("openssl", "openssl");
        Process p = new ProcessBuilder(openssl, "ciphers", "-V", "ALL:COMPLEMENTOFALL:@SECLEVEL=0").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\\S+)").matcher(out);
        int checked = 0;
        while (m.find()) {
            assertEquals(m.group(3), table.byCode(Integer.parseInt(m.group(1) + m.group(2), 16)).openssl());
            checked++;
        }
        assertTrue(checked > 100, out);
    }

    @Test
    void whatAScanSaysOfASuite() {
        CipherSuite gcm = table.byCode(0xC02F);
        assertEquals("ECDHE-RSA-AES128-GCM-SHA256", gcm.shortName());
        assertEquals("ECDHE_RSA", gcm.keyExchange());
        assertTrue(gcm.forwardSecret());
        assertNull(gcm.weakness());
        assertEquals(128, gcm.bits());
        assertFalse(gcm.cbc());
        assertEquals("3DES (64-bit blocks: Sweet32)", table.byCode(0x000A).weakness());
        assertEquals(112, table.byCode(0x000A).bits());
        assertEquals("RC4", table.byCode(0xC011).weakness());
        assertEquals("export grade", table.byCode(0x0003).weakness());
        assertEquals("anonymous (no authentication)", table.byCode(0x0034).weakness());
        assertEquals("NULL encryption", table.byCode(0x0002).weakness());
        assertEquals("RSA", table.byCode(0x002F).keyExchange());
        assertFalse(table.byCode(0x002F).forwardSecret());
        assertTrue(table.byCode(0x1301).tls13());
        assertEquals("any", table.byCode(0x1301).keyExchange());
        assertEquals(256, table.byCode(0xCCA8).bits());
        assertEquals("0xFEFE", table.byCode(0xFEFE).iana());
        assertEquals(9, table.tls13().size()); // RFC 8446 (5), RFC 8998 SM4 (2), RFC 9150 integrity-only (2)
    }
}
