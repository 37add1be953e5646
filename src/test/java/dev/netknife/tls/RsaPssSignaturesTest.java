package dev.netknife.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import org.junit.jupiter.api.Test;

/** The names BCJSSE asks for sign as RSA-PSS with the hash their name says, as the JDK's RSASSA-PSS checks it. */
class RsaPssSignaturesTest {

    @Test
    void eachNameSignsWhatTheJdksRsassaPssVerifies() throws Exception {
        RsaPssSignatures provider = new RsaPssSignatures();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        byte[] message = "the CertificateVerify of a TLS 1.3 handshake".getBytes(StandardCharsets.US_ASCII);
        for (String[] hash : new String[][] {{"SHA256", "SHA-256"}, {"SHA384", "SHA-384"}, {"SHA512", "SHA-512"}}) {
            Signature ours = Signature.getInstance(hash[0] + "withRSAandMGF1", provider);
            ours.initSign(keys.getPrivate());
            ours.update(message);
            byte[] signed = ours.sign();

            Signature jdk = Signature.getInstance("RSASSA-PSS");
            int saltLength = Integer.parseInt(hash[1].substring(4)) / 8;
            jdk.setParameter(new PSSParameterSpec(hash[1], "MGF1", new MGF1ParameterSpec(hash[1]), saltLength, 1));
            jdk.initVerify(keys.getPublic());
            jdk.update(message);
            assertTrue(jdk.verify(signed), hash[0]);

            ours.initVerify(keys.getPublic());
            ours.update("another message".getBytes(StandardCharsets.US_ASCII));
            assertFalse(ours.verify(signed), hash[0] + ": a signature of another message does not verify");
        }
    }
}
