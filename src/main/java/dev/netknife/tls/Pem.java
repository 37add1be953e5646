package dev.netknife.tls;

import dev.netknife.NkException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM files: certificates (a file or a directory of them), private keys (PKCS#8, PKCS#1, SEC1), and writing chains. */
public final class Pem {
    private Pem() {
    }

    /**
     * Every certificate in a PEM file, or in the {@code .pem}/{@code .crt} files of a directory (files
     * there that hold no certificate, such as a key, are passed over, as curl's --capath does).
     */
    public static List<X509Certificate> certificates(Path path) {
        List<X509Certificate> all = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.list(path)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".pem") || f.toString().endsWith(".crt")).sorted().toList()) {
                    all.addAll(certificatesIn(f));
                }
            } catch (IOException e) {
                throw unreadable(path, e);
            }
        } else {
            all.addAll(certificatesIn(path));
        }
        if (all.isEmpty()) {
            throw NkException.usage("no PEM certificate in " + path);
        }
        return all;
    }

    private static List<X509Certificate> certificatesIn(Path file) {
        List<X509Certificate> found = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            Object item;
            while ((item = parser.readObject()) != null) {
                if (item instanceof X509CertificateHolder holder) {
                    found.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            // BouncyCastle reports some malformed input unchecked: bad base64 (DecoderException), an encrypted key without DEK-Info (NPE)
            throw unreadable(file, e);
        }
        return found;
    }

    /** The first private key in a PEM file. */
    public static PrivateKey privateKey(Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            Object item;
            while ((item = parser.readObject()) != null) {
                if (item instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        } catch (IOException | RuntimeException e) { // as in certificates()
            throw unreadable(path, e);
        }
        throw NkException.usage("no unencrypted PEM private key in " + path);
    }

    /** Trust anchors read from --cacert, and the entries passed over with why (one line each). */
    public record Anchors(List<X509Certificate> certificates, List<String> skipped) {
    }

    /**
     * As {@link #certificates} for trust anchors: a certificate that does not parse, or a file that
     * cannot be read, is passed over with a reason naming the file (and the certificate's place in
     * it), so one bad entry in a CA bundle or directory does not stop every run. None left at all is
     * still a usage error.
     */
    public static Anchors anchors(Path path) {
        List<X509Certificate> found = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.list(path)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".pem") || f.toString().endsWith(".crt")).sorted().toList()) {
                    anchorsIn(f, found, skipped);
                }
            } catch (IOException e) {
                throw unreadable(path, e);
            }
        } else {
            anchorsIn(path, found, skipped);
        }
        if (found.isEmpty()) {
            throw NkException.usage(skipped.isEmpty() ? "no PEM certificate in " + path : skipped.getFirst());
        }
        return new Anchors(List.copyOf(found), List.copyOf(skipped));
    }

    private static void anchorsIn(Path file, List<X509Certificate> found, List<String> skipped) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (int index = 1; index <= 100_000; index++) {
                Object item;
                try {
                    item = parser.readObject();
                } catch (IOException | RuntimeException e) { // the PEM block itself is bad (base64, ASN.1); the next one may be fine
                    skipped.add("cannot read " + file + " (entry " + index + "): " + reason(e));
                    continue;
                }
                if (item == null) {
                    return;
                }
                if (item instanceof X509CertificateHolder holder) {
                    try {
                        found.add(converter.getCertificate(holder));
                    } catch (CertificateException | RuntimeException e) {
                        skipped.add("cannot read " + file + " (entry " + index + "): " + reason(e));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            skipped.add("cannot read " + file + ": " + reason(e));
        }
    }

    private static String reason(Exception e) {
        String message = TlsFailures.plainMessage(e);
        return message.equals(TlsFailures.NO_REASON) ? "malformed PEM data" : message;
    }

    /** The certificates as PEM text. */
    public static String write(List<X509Certificate> chain) {
        java.io.StringWriter text = new java.io.StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate cert : chain) {
                writer.writeObject(cert);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    private static NkException unreadable(Path path, Exception e) {
        String why = e instanceof RuntimeException ? "malformed PEM data" : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return NkException.usage("cannot read " + path + ": " + why);
    }
}
