package dev.netknife.support;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import dev.netknife.tls.Pem;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates with one thing wrong (or right) at a time, for the certificate profile cases: a
 * builder over bcpkix where every field RFC 5280 and the CA/Browser Forum rules talk about can be
 * set, with sensible defaults (EC P-256, valid from yesterday for 90 days, key identifiers, critical
 * basic constraints, a CA's keyCertSign, a leaf's digitalSignature).
 */
public final class CertForge {
    private static final long DAY = 86_400_000L;

    /** A made certificate and its keys. */
    public record Forged(X509Certificate cert, KeyPair keys) {
    }

    private final String subject;
    private final Forged issuer; // null: self-signed
    private final boolean ca;
    private KeyPair keys = ec();
    private long fromDays = -1;
    private long toDays = 90;
    private boolean basicConstraints = true;
    private boolean basicConstraintsCritical = true;
    private Integer keyUsage;
    private boolean authorityKeyId = true;
    private boolean authorityKeyIdCritical;
    private final List<GeneralName> sans = new ArrayList<>();
    private boolean sansCritical;
    private NameConstraints nameConstraints;
    private String unknownCriticalExtension;
    private boolean subjectKeyId = true;
    private boolean subjectKeyIdCritical;
    private BigInteger serial;
    private Boolean policyConstraintsCritical;
    private boolean emptyNameConstraints;

    private CertForge(String subject, Forged issuer, boolean ca) {
        this.subject = subject;
        this.issuer = issuer;
        this.ca = ca;
    }

    /** A self-signed CA. */
    public static CertForge root(String subject) {
        return new CertForge(subject, null, true);
    }

    /** A CA issued by {@code issuer}. */
    public static CertForge intermediate(String subject, Forged issuer) {
        return new CertForge(subject, issuer, true);
    }

    /** A server certificate issued by {@code issuer}, for localhost, 127.0.0.1 and ::1 unless other names are given. */
    public static CertForge leaf(String subject, Forged issuer) {
        return new CertForge(subject, issuer, false);
    }

    public CertForge keys(KeyPair keys) {
        this.keys = keys;
        return this;
    }

    public CertForge valid(long fromDays, long toDays) {
        this.fromDays = fromDays;
        this.toDays = toDays;
        return this;
    }

    /** Basic constraints: present (and whether critical), or absent with {@code present} false. */
    public CertForge basicConstraints(boolean present, boolean critical) {
        this.basicConstraints = present;
        this.basicConstraintsCritical = critical;
        return this;
    }

    /** Key usage bits (KeyUsage constants) instead of the default. */
    public CertForge keyUsage(int bits) {
        this.keyUsage = bits;
        return this;
    }

    public CertForge authorityKeyId(boolean present, boolean critical) {
        this.authorityKeyId = present;
        this.authorityKeyIdCritical = critical;
        return this;
    }

    public CertForge dns(String... names) {
        for (String n : names) {
            sans.add(new GeneralName(GeneralName.dNSName, n));
        }
        return this;
    }

    public CertForge ip(String... addresses) {
        for (String a : addresses) {
            sans.add(new GeneralName(GeneralName.iPAddress, a));
        }
        return this;
    }

    /** An iPAddress name of raw bytes (of any length: a malformed one). */
    public CertForge ipBytes(byte[] address) {
        sans.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(address)));
        return this;
    }

    public CertForge sansCritical() {
        this.sansCritical = true;
        return this;
    }

    /** Name constraints: GeneralName subtrees permitted and excluded (either may be empty). */
    public CertForge nameConstraints(List<GeneralName> permitted, List<GeneralName> excluded) {
        this.nameConstraints = new NameConstraints(subtrees(permitted), subtrees(excluded));
        return this;
    }

    public CertForge subjectKeyId(boolean present, boolean critical) {
        this.subjectKeyId = present;
        this.subjectKeyIdCritical = critical;
        return this;
    }

    public CertForge serial(BigInteger serial) {
        this.serial = serial;
        return this;
    }

    /** Policy constraints (requireExplicitPolicy 0), critical or not. */
    public CertForge policyConstraints(boolean critical) {
        this.policyConstraintsCritical = critical;
        return this;
    }

    /** A name constraints extension with neither permitted nor excluded subtrees. */
    public CertForge emptyNameConstraints() {
        this.emptyNameConstraints = true;
        return this;
    }

    /** A critical extension of an OID no one knows. */
    public CertForge unknownCriticalExtension(String oid) {
        this.unknownCriticalExtension = oid;
        return this;
    }

    public Forged make() {
        try {
            long now = System.currentTimeMillis() / 1000 * 1000;
            String issuerName = issuer == null ? subject : issuer.cert().getSubjectX500Principal().getName();
            KeyPair signer = issuer == null ? keys : issuer.keys();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuerName),
                    serial != null ? serial : BigInteger.valueOf(System.nanoTime()),
                    new Date(now + fromDays * DAY), new Date(now + toDays * DAY), new X500Name(subject), keys.getPublic());
            JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
            if (subjectKeyId) {
                b.addExtension(Extension.subjectKeyIdentifier, subjectKeyIdCritical, ids.createSubjectKeyIdentifier(keys.getPublic()));
            }
            if (authorityKeyId) {
                b.addExtension(Extension.authorityKeyIdentifier, authorityKeyIdCritical, ids.createAuthorityKeyIdentifier(signer.getPublic()));
            }
            if (basicConstraints) {
                b.addExtension(Extension.basicConstraints, basicConstraintsCritical, new BasicConstraints(ca));
            }
            int usage = keyUsage != null ? keyUsage : ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature | KeyUsage.keyEncipherment;
            b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            List<GeneralName> names = new ArrayList<>(sans);
            if (names.isEmpty() && !ca) {
                names.add(new GeneralName(GeneralName.dNSName, "localhost"));
                names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
                names.add(new GeneralName(GeneralName.iPAddress, "::1"));
            }
            if (!names.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, sansCritical, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            if (nameConstraints != null) {
                b.addExtension(Extension.nameConstraints, true, nameConstraints);
            }
            if (emptyNameConstraints) {
                b.addExtension(Extension.nameConstraints, true, new org.bouncycastle.asn1.DERSequence());
            }
            if (policyConstraintsCritical != null) {
                b.addExtension(Extension.policyConstraints, policyConstraintsCritical,
                        new org.bouncycastle.asn1.x509.PolicyConstraints(BigInteger.valueOf(5), null));
            }
            if (unknownCriticalExtension != null) {
                b.addExtension(new ASN1ObjectIdentifier(unknownCriticalExtension), true, new DERUTF8String("nk test"));
            }
            String algorithm = switch (signer.getPrivate().getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "DSA" -> "SHA256withDSA";
                default -> "SHA256withECDSA";
            };
            return new Forged(new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm)
                    .build(signer.getPrivate()))), keys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static GeneralSubtree[] subtrees(List<GeneralName> names) {
        return names.isEmpty() ? null : names.stream().map(GeneralSubtree::new).toArray(GeneralSubtree[]::new);
    }

    public static KeyPair ec() {
        return dev.netknife.tls.SelfSigned.newKeyPair();
    }

    public static KeyPair rsa(int bits) {
        return generate("RSA", bits);
    }

    public static KeyPair dsa(int bits) {
        return generate("DSA", bits);
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code NAME.pem} (the certificates in order) and, for the first, {@code NAME.key}; returns the .pem. */
    public static Path write(Path dir, String name, Forged first, Forged... rest) throws IOException {
        List<X509Certificate> certs = new ArrayList<>(List.of(first.cert()));
        for (Forged f : rest) {
            certs.add(f.cert());
        }
        Path file = dir.resolve(name + ".pem");
        Files.writeString(file, Pem.write(certs));
        StringWriter key = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(key)) {
            writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(first.keys().getPrivate(), null));
        }
        Files.writeString(TestCerts.keyOf(file), key.toString());
        return file;
    }
}
