package dev.netknife.tls;

import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.List;
import java.util.Map;

/**
 * RSA-PSS under the names BCJSSE asks for (SHA256withRSAandMGF1, ...), done by the JDK's own
 * RSASSA-PSS. TLS 1.3 signs with RSA only this way; BCJSSE on the JDK's providers alone found no
 * such signature, so it neither offered rsa_pss_rsae_* in its ClientHello nor could sign with an RSA
 * key, and every TLS 1.3 peer with an RSA certificate failed. BC's own JCE provider has the names
 * but costs about a second to load; this provider is three small services.
 */
final class RsaPssSignatures extends Provider {
    static final String NAME = "nk-rsa-pss";

    RsaPssSignatures() {
        super(NAME, "1", "RSA-PSS signatures under BC's names, by the JDK's RSASSA-PSS");
        for (Map.Entry<String, MGF1ParameterSpec> hash : Map.of("SHA-256", MGF1ParameterSpec.SHA256, "SHA-384", MGF1ParameterSpec.SHA384,
                "SHA-512", MGF1ParameterSpec.SHA512).entrySet()) {
            String digest = hash.getKey();
            String name = digest.replace("-", "") + "withRSAandMGF1";
            PSSParameterSpec spec = new PSSParameterSpec(digest, "MGF1", hash.getValue(), Integer.parseInt(digest.substring(4)) / 8, 1);
            putService(new Service(this, "Signature", name, PssSignature.class.getName(), List.of(), null) {
                @Override
                public Object newInstance(Object constructorParameter) {
                    return new PssSignature(spec);
                }
            });
        }
    }

    /** One signature: the JDK's RSASSA-PSS with the parameters its name implies (or those set later). */
    static final class PssSignature extends SignatureSpi {
        private final Signature pss;
        private AlgorithmParameterSpec spec;

        PssSignature(PSSParameterSpec spec) {
            this.spec = spec;
            try {
                this.pss = Signature.getInstance("RSASSA-PSS");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no RSASSA-PSS", e);
            }
        }

        @Override
        protected void engineInitSign(PrivateKey key, SecureRandom random) throws InvalidKeyException {
            pss.initSign(key, random);
            applySpec();
        }

        @Override
        protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
            engineInitSign(key, null);
        }

        @Override
        protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
            pss.initVerify(key);
            applySpec();
        }

        private void applySpec() throws InvalidKeyException {
            try {
                pss.setParameter(spec);
            } catch (InvalidAlgorithmParameterException e) {
                throw new InvalidKeyException(e.getMessage(), e);
            }
        }

        @Override
        protected void engineSetParameter(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
            if (!(params instanceof PSSParameterSpec)) {
                throw new InvalidAlgorithmParameterException("RSA-PSS takes a PSSParameterSpec");
            }
            spec = params;
            pss.setParameter(params);
        }

        @Override
        protected AlgorithmParameters engineGetParameters() {
            return pss.getParameters();
        }

        @Override
        protected void engineUpdate(byte b) throws SignatureException {
            pss.update(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
            pss.update(b, off, len);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            return pss.sign();
        }

        @Override
        protected boolean engineVerify(byte[] signature) throws SignatureException {
            return pss.verify(signature);
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new InvalidParameterException("RSA-PSS takes a PSSParameterSpec, not named parameters");
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new InvalidParameterException("RSA-PSS has no named parameters");
        }
    }
}
