package dev.netknife.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real chains of public servers (x509-limbo's "online" cases: apple.com, google.com ... with their
 * roots and the time they were collected) verify under nk's strictest setting, their roots given as
 * with --cacert: the profile rules refuse nothing real servers send.
 */
class LimboOnlineTest {
    private static final Path CASES = Path.of("src/test/resources/limbo-online");
    private static final Pattern PEM = Pattern.compile("\"(-----BEGIN CERTIFICATE-----[^\"]+)\"");

    @TempDir
    Path dir;

    static Stream<Path> cases() throws Exception {
        return Files.list(CASES).filter(p -> p.toString().endsWith(".limbo.json")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aRealChainVerifiesAgainstItsRoot(Path file) throws Exception {
        String json = Files.readString(file);
        assertEquals("SUCCESS", field(json, "expected_result"));
        List<X509Certificate> roots = certificates(array(json, "trusted_certs"));
        List<X509Certificate> chain = new ArrayList<>(certificates("\"" + field(json, "peer_certificate") + "\""));
        chain.addAll(certificates(array(json, "untrusted_intermediates")));
        Path rootFile = Files.writeString(dir.resolve("roots.pem"), Pem.write(roots));
        TrustStore trust = TrustStore.load(rootFile, dir.resolve("no-jdk-cas"));
        String host = field(json.substring(json.indexOf("\"expected_peer_name\"")), "value");
        long at = OffsetDateTime.parse(field(json, "validation_time")).toInstant().toEpochMilli();
        assertNull(CertCheck.check(chain.toArray(X509Certificate[]::new), "UNKNOWN", trust, host, at));
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\s*\"((?:[^\"\\\\]++|\\\\.)*+)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + name);
        }
        return m.group(1);
    }

    private static String array(String json, String name) {
        int start = json.indexOf("\"" + name + "\"");
        return json.substring(start, json.indexOf(']', start));
    }

    private static List<X509Certificate> certificates(String text) throws Exception {
        List<X509Certificate> certs = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        while (m.find()) {
            byte[] pem = m.group(1).replace("\\n", "\n").getBytes(StandardCharsets.US_ASCII);
            certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(pem)));
        }
        return certs;
    }
}
