package dev.netknife.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;

/** nk's crypto skips BC's failing probes; it must give BC's answers for every group and scheme. */
class JdkTlsCryptoTest {
    private final JcaTlsCrypto probing = new JcaTlsCryptoProvider().create(new SecureRandom());
    private final JcaTlsCrypto nks = new JdkTlsCryptoProvider().create(new SecureRandom());

    @Test
    void everyNamedGroupGetsTheAnswerBcsProbingGives() {
        List<String> differ = new ArrayList<>();
        for (int group = 0; group <= 0xFFFF; group++) {
            if (NamedGroup.getName(group) != null && probing.hasNamedGroup(group) != nks.hasNamedGroup(group)) {
                differ.add(NamedGroup.getText(group));
            }
        }
        assertEquals(List.of(), differ);
        assertTrue(nks.hasNamedGroup(NamedGroup.secp256r1));
        assertTrue(nks.hasNamedGroup(NamedGroup.x25519));
        assertFalse(nks.hasNamedGroup(NamedGroup.brainpoolP256r1));
    }

    @Test
    void everySignatureSchemeGetsTheAnswerBcsProbingGives() {
        List<String> differ = new ArrayList<>();
        for (int scheme = 0; scheme <= 0xFFFF; scheme++) {
            if (SignatureScheme.getName(scheme) != null && !SignatureScheme.getName(scheme).startsWith("UNKNOWN")
                    && probing.hasSignatureScheme(scheme) != nks.hasSignatureScheme(scheme)) {
                differ.add(SignatureScheme.getText(scheme));
            }
        }
        assertEquals(List.of(), differ);
        assertTrue(nks.hasSignatureScheme(SignatureScheme.ecdsa_secp256r1_sha256));
        assertTrue(nks.hasSignatureScheme(SignatureScheme.rsa_pss_rsae_sha256));
    }
}
