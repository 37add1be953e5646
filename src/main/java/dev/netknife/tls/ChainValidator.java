package dev.netknife.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Builds the server's certification paths from what it sent to the trust anchors, and validates
 * them with the JDK's RFC 5280 validator (signatures, validity, basic constraints, path length,
 * key usage, name constraints, critical extensions, algorithm constraints), then applies nk's own
 * profile rules ({@link CertProfile}). Only the certificates on a path are judged: an expired
 * cross-certificate the server also sends does not matter when a valid path avoids it.
 *
 * <p>An anchor given with {@code --cacert} is validated too, as the last certificate of the path
 * (self-signed, it checks against itself): its dates, its name constraints over everything below
 * it, its critical extensions and its key, as Go, rustls-webpki and pyca/cryptography do. The JDK's
 * own CAs are anchors as the JDK treats them (key and name only).
 */
final class ChainValidator {
    private static final int MAX_DEPTH = 8;
    private static final int MAX_PATHS = 16;

    private ChainValidator() {
    }

    /** A path that reaches an anchor, and what is wrong with it (null: valid). */
    record Outcome(List<X509Certificate> path, X509Certificate anchor, CertCheck.Problem problem) {
        boolean valid() {
            return problem == null;
        }
    }

    /**
     * The outcome for the first valid path (shortest first), else for the shortest path that failed;
     * null when no path from the server's certificates reaches one of {@code anchors}.
     */
    static Outcome validate(List<X509Certificate> sent, List<X509Certificate> anchors, boolean givenAnchors, long atMillis) {
        List<Outcome> candidates = new ArrayList<>();
        List<X509Certificate> path = new ArrayList<>(List.of(sent.getFirst()));
        collect(path, sent, anchors, candidates);
        candidates.sort(Comparator.comparingInt(o -> o.path().size()));
        Outcome firstFailure = null;
        for (Outcome candidate : candidates) {
            CertCheck.Problem problem = check(candidate.path(), candidate.anchor(), sent, givenAnchors, atMillis);
            Outcome judged = new Outcome(candidate.path(), candidate.anchor(), problem);
            if (problem == null) {
                return judged;
            }
            if (firstFailure == null) {
                firstFailure = judged;
            }
        }
        return firstFailure;
    }

    /** Depth-first: every way from the path's last certificate through the sent ones to an anchor. */
    private static void collect(List<X509Certificate> path, List<X509Certificate> sent, List<X509Certificate> anchors, List<Outcome> out) {
        if (out.size() >= MAX_PATHS) {
            return;
        }
        X509Certificate last = path.getLast();
        X500Principal lastSubject = last.getSubjectX500Principal();
        for (X509Certificate anchor : anchors) {
            // the server sent the anchor itself (or a self-signed leaf that is trusted as it is); names first: comparing
            // encodings copies each anchor's bytes, and there are ~150 anchors per handshake
            if (anchor.getSubjectX500Principal().equals(lastSubject) && sameCertificate(anchor, last)) {
                out.add(new Outcome(path.size() == 1 ? List.copyOf(path) : List.copyOf(path.subList(0, path.size() - 1)), anchor, null));
                return;
            }
        }
        for (X509Certificate anchor : anchors) {
            if (anchor.getSubjectX500Principal().equals(last.getIssuerX500Principal()) && signedBy(last, anchor)) {
                out.add(new Outcome(List.copyOf(path), anchor, null));
            }
        }
        if (path.size() >= MAX_DEPTH || isSelfIssued(last)) {
            return;
        }
        for (X509Certificate next : sent) {
            if (!path.contains(next) && next.getSubjectX500Principal().equals(last.getIssuerX500Principal()) && signedBy(last, next)) {
                path.add(next);
                collect(path, sent, anchors, out);
                path.removeLast();
            }
        }
    }

    private static CertCheck.Problem check(List<X509Certificate> path, X509Certificate anchor, List<X509Certificate> sent, boolean givenAnchor,
            long atMillis) {
        boolean anchorIsLeaf = sameCertificate(path.getFirst(), anchor);
        if (anchorIsLeaf) { // trusted as it is: its dates and nk's rules for a server certificate, no path to check
            CertCheck.Problem dates = dates(anchor, "certificate", atMillis);
            return dates != null ? dates : CertProfile.check(path, anchor, givenAnchor, true, path, sent);
        }
        if (givenAnchor) { // a malformed anchor is named as such, before the validator calls it something vaguer
            CertCheck.Problem anchorProblem = CertProfile.givenCa(anchor);
            if (anchorProblem != null) {
                return anchorProblem;
            }
        }
        List<X509Certificate> validated = new ArrayList<>(path);
        if (givenAnchor && anchor.getVersion() >= 3) {
            validated.add(anchor); // judged as a certificate too: its dates, constraints and extensions
        } else if (givenAnchor) { // a version 1 root has no extensions to judge (old CAs made with openssl x509 -req): its dates
            CertCheck.Problem dates = dates(anchor, "trusted CA certificate", atMillis);
            if (dates != null) {
                return dates;
            }
        }
        for (X509Certificate ca : validated.subList(1, validated.size())) { // before the validator reads them its own way
            CertCheck.Problem forms = CertProfile.constraintForms(ca);
            if (forms != null) {
                return forms;
            }
        }
        try {
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            params.setRevocationEnabled(false);
            params.setDate(new Date(atMillis));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(validated), params);
        } catch (CertPathValidatorException e) {
            int index = e.getIndex();
            X509Certificate cert = index >= 0 && index < validated.size() ? validated.get(index) : path.getFirst();
            return explain(e, cert, which(cert, sent, anchor), validated, index, atMillis);
        } catch (GeneralSecurityException e) {
            return new CertCheck.Problem("invalid_chain", "the certificate chain cannot be validated: " + e.getMessage(), e.getMessage());
        }
        return CertProfile.check(path, anchor, givenAnchor, false, validated, sent);
    }

    private static CertCheck.Problem dates(X509Certificate cert, String which, long atMillis) {
        if (atMillis > cert.getNotAfter().getTime()) {
            return new CertCheck.Problem("expired", which + " expired on " + Instant.ofEpochMilli(cert.getNotAfter().getTime())
                    + " (" + name(cert) + ")", null);
        }
        if (atMillis < cert.getNotBefore().getTime()) {
            return new CertCheck.Problem("not_yet_valid", which + " is not valid before " + Instant.ofEpochMilli(cert.getNotBefore().getTime())
                    + " (" + name(cert) + ")", null);
        }
        return null;
    }

    /** The validator's reason as nk's kind and a sentence naming the certificate; the validator's own words as the detail. */
    private static CertCheck.Problem explain(CertPathValidatorException e, X509Certificate cert, String which, List<X509Certificate> validated,
            int index, long atMillis) {
        String detail = e.getMessage();
        String name = name(cert);
        if (e.getReason() instanceof BasicReason basic) {
            switch (basic) {
                case EXPIRED, NOT_YET_VALID -> {
                    CertCheck.Problem dates = dates(cert, which, atMillis);
                    return new CertCheck.Problem(dates == null ? basic == BasicReason.EXPIRED ? "expired" : "not_yet_valid" : dates.kind(),
                            dates == null ? which + " is outside its validity period (" + name + ")" : dates.message(), detail);
                }
                case ALGORITHM_CONSTRAINED -> {
                    return new CertCheck.Problem("weak_algorithm", which + " uses a key or signature algorithm that is not accepted ("
                            + cert.getPublicKey().getAlgorithm() + " key, " + cert.getSigAlgName() + ") (" + name + ")", detail);
                }
                case INVALID_SIGNATURE -> {
                    return new CertCheck.Problem("bad_signature", which + " has a signature that does not verify (" + name + ")", detail);
                }
                default -> {
                    // UNSPECIFIED, REVOKED, UNDETERMINED_REVOCATION_STATUS: below
                }
            }
        }
        if (e.getReason() instanceof PKIXReason pkix) {
            switch (pkix) {
                case INVALID_NAME -> {
                    X509Certificate constraining = index > 0 && index < validated.size() ? validated.get(index) : cert;
                    return new CertCheck.Problem("name_constraints", "a name in the chain is outside the name constraints of a CA"
                            + " (checking " + name(constraining) + ")", detail);
                }
                case NOT_CA_CERT -> {
                    return new CertCheck.Problem("not_a_ca", which + " (" + name + ") is not a CA (basic constraints CA:FALSE) but issued "
                            + (index > 0 ? name(validated.get(index - 1)) : "a certificate"), detail);
                }
                case PATH_TOO_LONG -> {
                    return new CertCheck.Problem("path_length", "the chain is longer than a CA's path length constraint allows, at "
                            + which + " (" + name + ")", detail);
                }
                case UNRECOGNIZED_CRIT_EXT -> {
                    Set<String> critical = cert.getCriticalExtensionOIDs() == null ? Set.of() : cert.getCriticalExtensionOIDs();
                    if (critical.contains("2.5.29.14") || critical.contains("2.5.29.35")) { // known, but RFC 5280 forbids marking it critical
                        boolean ski = critical.contains("2.5.29.14");
                        return new CertCheck.Problem("bad_extension", which + " marks its " + (ski ? "subject" : "authority")
                                + " key identifier critical (RFC 5280 4.2.1." + (ski ? "2" : "1") + ") (" + name + ")", detail);
                    }
                    return new CertCheck.Problem("critical_extension", which + " has a critical extension nk does not know ("
                            + unknownCritical(cert) + ") (" + name + ")", detail);
                }
                case INVALID_KEY_USAGE -> {
                    return new CertCheck.Problem("key_usage", which + " may not sign certificates (key usage) (" + name + ")", detail);
                }
                case INVALID_POLICY -> {
                    return new CertCheck.Problem("policy", "the chain's certificate policies do not allow this path, at " + which
                            + " (" + name + ")", detail);
                }
                default -> {
                    // NAME_CHAINING and the rest: below
                }
            }
        }
        return new CertCheck.Problem("invalid_chain", which + " does not validate: " + detail + " (" + name + ")", detail);
    }

    /** How messages name a certificate: by its place in what the server sent, or as the CA given with --cacert. */
    static String which(X509Certificate cert, List<X509Certificate> sent, X509Certificate anchor) {
        for (int i = 0; i < sent.size(); i++) {
            if (sameCertificate(sent.get(i), cert)) {
                return i == 0 ? "certificate" : "chain certificate " + i;
            }
        }
        return sameCertificate(cert, anchor) ? "trusted CA certificate" : "a certificate";
    }

    private static String unknownCritical(X509Certificate cert) {
        Set<String> critical = cert.getCriticalExtensionOIDs();
        List<String> unknown = new ArrayList<>();
        for (String oid : critical == null ? Set.<String>of() : critical) {
            if (!CertProfile.KNOWN_EXTENSIONS.contains(oid)) {
                unknown.add(oid);
            }
        }
        return unknown.isEmpty() ? "see -v" : String.join(", ", unknown);
    }

    static boolean sameCertificate(X509Certificate a, X509Certificate b) {
        try {
            return a == b || Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
        try {
            cert.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    static boolean isSelfIssued(X509Certificate cert) {
        return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
    }

    static String name(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }
}
