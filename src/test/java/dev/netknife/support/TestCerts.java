package dev.netknife.support;

import dev.netknife.tls.Pem;
import dev.netknife.tls.SelfSigned;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * Certificates made for the tests (bcpkix): a CA and leaves signed by it, good and broken in
 * every way a user meets, each written as {@code NAME.pem} (leaf then CA) and {@code NAME.key}.
 */
public final class TestCerts {
    private static final long DAY = 86_400_000L;

    private final Path dir;
    private final KeyPair caKeys = SelfSigned.newKeyPair();
    private final X509Certificate ca;

    public TestCerts(Path dir) {
        this.dir = dir;
        long now = System.currentTimeMillis();
        this.ca = SelfSigned.issue("CN=nk test CA", caKeys, "CN=nk test CA", caKeys.getPrivate(), true,
                new Date(now - DAY), new Date(now + 365 * DAY), List.of());
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
        X509Certificate cert = SelfSigned.issue("CN=localhost", keys, "CN=localhost", keys.getPrivate(), false,
                new Date(now + fromOffset), new Date(now + toOffset), List.of("localhost", "127.0.0.1"));
        return write(name, List.of(cert), keys);
    }

    public Path selfSigned() throws IOException {
        return selfSigned(-DAY, 90 * DAY);
    }

    /** The key file that goes with a certificate file made here. */
    public static Path keyOf(Path certFile) {
        return certFile.resolveSibling(certFile.getFileName().toString().replace(".pem", ".key"));
    }

    private Path leaf(String name, long fromOffset, long toOffset, List<String> names) throws IOException {
        long now = System.currentTimeMillis();
        KeyPair keys = SelfSigned.newKeyPair();
        X509Certificate cert = SelfSigned.issue("CN=" + names.getFirst(), keys, "CN=nk test CA", caKeys.getPrivate(), false,
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
