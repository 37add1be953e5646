package dev.netknife.support;

import dev.netknife.tls.Pem;
import dev.netknife.tls.SelfSigned;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made for the tests (bcpkix): a CA and leaves signed by it, good and broken in
 * every way a user meets, each written as {@code NAME.pem} (leaf then CA) and {@code NAME.key}.
 * A second hierarchy (root, intermediate, leaf; {@link #rootFile()}) serves the chain cases.
 */
public final class TestCerts {
    private static final long DAY = 86_400_000L;

    private final Path dir;
    private final KeyPair caKeys = SelfSigned.newKeyPair();
    private final X509Certificate ca;
    private final KeyPair rootKeys = SelfSigned.newKeyPair();
    private final X509Certificate root;
    private final KeyPair intermediateKeys = SelfSigned.newKeyPair();
    private final X509Certificate intermediate;

    public TestCerts(Path dir) {
        this.dir = dir;
        long now = System.currentTimeMillis();
        this.ca = SelfSigned.issue("CN=nk test CA", caKeys, "CN=nk test CA", caKeys, true,
                new Date(now - DAY), new Date(now + 365 * DAY), List.of());
        this.root = SelfSigned.issue("CN=nk test root", rootKeys, "CN=nk test root", rootKeys, true,
                new Date(now - DAY), new Date(now + 365 * DAY), List.of());
        this.intermediate = SelfSigned.issue("CN=nk test intermediate", intermediateKeys, "CN=nk test root", rootKeys, true,
                new Date(now - DAY), new Date(now + 365 * DAY), List.of());
    }

    /** The root of the three-level hierarchy as a PEM file (for --cacert); it is never sent by a server. */
    public Path rootFile() throws IOException {
        Path f = dir.resolve("root.pem");
        Files.writeString(f, Pem.write(List.of(root)));
        return f;
    }

    /** A leaf for localhost issued by the intermediate; the file holds leaf then intermediate, as a server should send. */
    public Path viaIntermediate() throws IOException {
        Issued leaf = localhostLeaf(intermediateKeys, "CN=nk test intermediate");
        return write("chain", List.of(leaf.cert(), intermediate), leaf.keys());
    }

    /** The same kind of leaf without its intermediate: a server that sends an incomplete chain. */
    public Path withoutIntermediate() throws IOException {
        Issued leaf = localhostLeaf(intermediateKeys, "CN=nk test intermediate");
        return write("incomplete", List.of(leaf.cert()), leaf.keys());
    }

    /** A leaf issued by an intermediate whose basic constraints say CA:FALSE (it may not issue certificates). */
    public Path viaNonCaIntermediate() throws IOException {
        long now = System.currentTimeMillis();
        KeyPair keys = SelfSigned.newKeyPair();
        X509Certificate notCa = build("CN=nk test non-CA intermediate", keys, "CN=nk test root", rootKeys, false,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.digitalSignature), null, new Date(now - DAY), new Date(now + 365 * DAY), List.of());
        Issued leaf = localhostLeaf(keys, "CN=nk test non-CA intermediate");
        return write("non-ca-intermediate", List.of(leaf.cert(), notCa), leaf.keys());
    }

    /** A leaf for localhost chained to a root nobody trusts (the file holds leaf then that root). */
    public Path untrustedRoot() throws IOException {
        long now = System.currentTimeMillis();
        KeyPair otherKeys = SelfSigned.newKeyPair();
        X509Certificate other = SelfSigned.issue("CN=nk untrusted root", otherKeys, "CN=nk untrusted root", otherKeys, true,
                new Date(now - DAY), new Date(now + 365 * DAY), List.of());
        Issued leaf = localhostLeaf(otherKeys, "CN=nk untrusted root");
        return write("untrusted-root", List.of(leaf.cert(), other), leaf.keys());
    }

    /** A leaf whose only extended key usage is clientAuth: it may not serve TLS. */
    public Path clientAuthOnly() throws IOException {
        long now = System.currentTimeMillis();
        KeyPair keys = SelfSigned.newKeyPair();
        X509Certificate cert = build("CN=localhost", keys, "CN=nk test CA", caKeys, false,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment), KeyPurposeId.id_kp_clientAuth,
                new Date(now - DAY), new Date(now + 90 * DAY), List.of("localhost", "127.0.0.1"));
        return write("client-auth-only", List.of(cert, ca), keys);
    }

    /** A leaf that names its host only in the subject CN, with no subjectAltName at all. */
    public Path cnOnly() throws IOException {
        long now = System.currentTimeMillis();
        KeyPair keys = SelfSigned.newKeyPair();
        X509Certificate cert = SelfSigned.issue("CN=localhost", keys, "CN=nk test CA", caKeys, false,
                new Date(now - DAY), new Date(now + 90 * DAY), List.of());
        return write("cn-only", List.of(cert, ca), keys);
    }

    /** A leaf for {@code *.example.test} (one label only) signed by the CA. */
    public Path wildcard() throws IOException {
        return leaf("wildcard", -DAY, 90 * DAY, List.of("*.example.test"));
    }

    /** The CA certificate as a PEM file (for --cacert). */
    public Path caFile() throws IOException {
        Path f = dir.resolve("ca.pem");
        Files.writeString(f, Pem.write(List.of(ca)));
        return f;
    }

    public Path good() throws IOException {
        return leaf("good", -DAY, 90 * DAY, List.of("localhost", "127.0.0.1", "::1"));
    }

    /** A client certificate signed by the CA (for servers that ask for one). */
    public Path client() throws IOException {
        return leaf("client", -DAY, 90 * DAY, List.of("nk-client"));
    }

    public Path expired() throws IOException {
        return leaf("expired", -30 * DAY, -DAY, List.of("localhost", "127.0.0.1"));
    }

    public Path notYetValid() throws IOException {
        return leaf("not-yet-valid", 10 * DAY, 90 * DAY, List.of("localhost", "127.0.0.1"));
    }

    public Path wrongHost() throws IOException {
        return leaf("wrong-host", -DAY, 90 * DAY, List.of("other.example"));
    }

    public Path expiresIn3Days() throws IOException {
        return leaf("soon", -DAY, 3 * DAY + 3_600_000L, List.of("localhost", "127.0.0.1"));
    }

    /** A self-signed leaf (its own issuer); also its own CA file for --cacert. */
    public Path selfSigned(long fromOffset, long toOffset) throws IOException {
        long now = System.currentTimeMillis();
        KeyPair keys = SelfSigned.newKeyPair();
        String name = "self-signed" + (toOffset < 0 ? "-expired" : "");
        X509Certificate cert = SelfSigned.issue("CN=localhost", keys, "CN=localhost", keys, false,
                new Date(now + fromOffset), new Date(now + toOffset), List.of("localhost", "127.0.0.1"));
        return write(name, List.of(cert), keys);
    }

    public Path selfSigned() throws IOException {
        return selfSigned(-DAY, 90 * DAY);
    }

    /**
     * A self-signed RSA 2048 certificate for localhost and 127.0.0.1, made by the openssl command (the kind most servers have;
     * TLS 1.3 signs with it only by RSA-PSS). Its key is at {@link #keyOf}.
     */
    public Path rsaSelfSigned() throws IOException, InterruptedException {
        Path cert = dir.resolve("rsa.pem");
        if (!Files.exists(cert)) {
            Process gen = new ProcessBuilder(Peers.require("openssl", "openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", keyOf(cert).toString(), "-out", cert.toString(), "-days", "30", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1").redirectErrorStream(true).start();
            String log = new String(gen.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (gen.waitFor() != 0) {
                throw new IOException("openssl req failed: " + log);
            }
        }
        return cert;
    }

    /** The key file that goes with a certificate file made here. */
    public static Path keyOf(Path certFile) {
        return certFile.resolveSibling(certFile.getFileName().toString().replace(".pem", ".key"));
    }

    private record Issued(X509Certificate cert, KeyPair keys) {
    }

    private static Issued localhostLeaf(KeyPair issuerKeys, String issuer) {
        long now = System.currentTimeMillis();
        KeyPair keys = SelfSigned.newKeyPair();
        return new Issued(SelfSigned.issue("CN=localhost", keys, issuer, issuerKeys, false,
                new Date(now - DAY), new Date(now + 90 * DAY), List.of("localhost", "127.0.0.1", "::1")), keys);
    }

    /** As {@link SelfSigned#issue} but with the key usage, extended key usage (null: none) and CA bit chosen separately. */
    private static X509Certificate build(String subject, KeyPair keys, String issuer, KeyPair issuerKeys, boolean ca, KeyUsage usage,
            KeyPurposeId eku, Date from, Date to, List<String> names) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(System.nanoTime()),
                    from, to, new X500Name(subject), keys.getPublic());
            JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ids.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ids.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.keyUsage, true, usage);
            if (eku != null) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
            }
            if (!names.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.stream()
                        .map(n -> new GeneralName(Character.isDigit(n.charAt(0)) || n.contains(":") ? GeneralName.iPAddress : GeneralName.dNSName, n))
                        .toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Path leaf(String name, long fromOffset, long toOffset, List<String> names) throws IOException {
        long now = System.currentTimeMillis();
        KeyPair keys = SelfSigned.newKeyPair();
        X509Certificate cert = SelfSigned.issue("CN=" + names.getFirst(), keys, "CN=nk test CA", caKeys, false,
                new Date(now + fromOffset), new Date(now + toOffset), names);
        return write(name, List.of(cert, ca), keys);
    }

    private Path write(String name, List<X509Certificate> chain, KeyPair keys) throws IOException {
        Path certFile = dir.resolve(name + ".pem");
        Files.writeString(certFile, Pem.write(chain));
        StringWriter key = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(key)) {
            writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null));
        }
        Files.writeString(keyOf(certFile), key.toString());
        return certFile;
    }
}
