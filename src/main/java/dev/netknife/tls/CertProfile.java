package dev.netknife.tls;

import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;

/**
 * What a path that the RFC 5280 validator accepted must also be (RFC 5280's certificate profile,
 * the CA/Browser Forum baseline, and what rustls-webpki and pyca/cryptography refuse): a server
 * certificate that is not a CA and not for signing certificates, names an issuer key, has
 * well-formed names, no name constraints of its own, and keys of at least 2048 bits (RSA; no DSA);
 * a wildcard name that could stand for a name a CA excluded is refused (CVE-2025-61727's shape). A
 * CA given with --cacert must itself be well-formed: critical basic constraints, a non-critical
 * authority key identifier, a strong key. A server certificate trusted as it is (a self-signed
 * certificate given with --cacert) is not held to the rules for certificates a CA issued.
 */
final class CertProfile {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_PURPOSE = "2.5.29.37.0";
    private static final int MIN_RSA_BITS = 2048;
    private static final int KEY_CERT_SIGN = 5;

    /** The extensions nk (and the JDK's validator) know; any other critical one is refused. */
    static final Set<String> KNOWN_EXTENSIONS = Set.of("2.5.29.14", "2.5.29.15", "2.5.29.17", "2.5.29.18", "2.5.29.19", "2.5.29.30",
            "2.5.29.31", "2.5.29.32", "2.5.29.33", "2.5.29.35", "2.5.29.36", "2.5.29.37", "2.5.29.54", "1.3.6.1.5.5.7.1.1");

    private CertProfile() {
    }

    static CertCheck.Problem check(List<X509Certificate> path, X509Certificate anchor, boolean givenAnchor, boolean leafIsAnchor,
            List<X509Certificate> validated, List<X509Certificate> sent) {
        X509Certificate leaf = path.getFirst();
        CertCheck.Problem problem = leafPurpose(leaf);
        if (problem == null && !leafIsAnchor) {
            problem = issuedLeaf(leaf);
        }
        if (problem == null) {
            problem = names(leaf, validated);
        }
        for (int i = 0; problem == null && i < validated.size(); i++) {
            X509Certificate cert = validated.get(i);
            boolean fromServer = i < path.size();
            if (fromServer || givenAnchor) {
                String which = ChainValidator.which(cert, sent, anchor);
                problem = key(cert, which);
                if (problem == null && !leafIsAnchor) {
                    problem = structure(cert, which, i > 0, fromServer);
                }
            }
        }
        return problem;
    }

    /**
     * RFC 5280's rules for the identifiers and fields every certificate on the path carries: a
     * non-critical subject key identifier, present in a CA; an authority key identifier in a CA that
     * another CA issued; critical policy constraints; an issuer name, and a subject name in a CA; and
     * for what the server sent, a positive serial number of at most 20 octets.
     */
    private static CertCheck.Problem structure(X509Certificate cert, String which, boolean ca, boolean sent) {
        Set<String> critical = cert.getCriticalExtensionOIDs() == null ? Set.of() : cert.getCriticalExtensionOIDs();
        String name = ChainValidator.name(cert);
        if (critical.contains(Extension.subjectKeyIdentifier.getId())) {
            return new CertCheck.Problem("bad_extension", which + " marks its subject key identifier critical (RFC 5280 4.2.1.2) (" + name + ")", null);
        }
        if (cert.getIssuerX500Principal().getName().isEmpty()) {
            return new CertCheck.Problem("bad_name", which + " has an empty issuer name (RFC 5280 4.1.2.4) (" + name + ")", null);
        }
        if (sent) {
            java.math.BigInteger serial = cert.getSerialNumber();
            if (serial.signum() <= 0 || serial.toByteArray().length > 20) {
                return new CertCheck.Problem("bad_serial", which + " has a serial number that is " + (serial.signum() == 0 ? "zero"
                        : serial.signum() < 0 ? "negative" : "longer than 20 octets") + " (RFC 5280 4.1.2.2) (" + name + ")", null);
            }
        }
        if (!ca) {
            return null;
        }
        if (name.isEmpty()) {
            return new CertCheck.Problem("bad_name", which + " is a CA with an empty subject name (RFC 5280 4.1.2.6)", null);
        }
        if (cert.getExtensionValue(Extension.subjectKeyIdentifier.getId()) == null) {
            return new CertCheck.Problem("bad_extension", which + " is a CA without a subject key identifier (RFC 5280 4.2.1.2) (" + name + ")", null);
        }
        if (!ChainValidator.isSelfIssued(cert) && cert.getExtensionValue(Extension.authorityKeyIdentifier.getId()) == null) {
            return new CertCheck.Problem("bad_extension", which + " has no authority key identifier (RFC 5280 4.2.1.1) (" + name + ")", null);
        }
        if (cert.getExtensionValue(Extension.policyConstraints.getId()) != null && !critical.contains(Extension.policyConstraints.getId())) {
            return new CertCheck.Problem("bad_extension", which + " has policy constraints that are not marked critical (RFC 5280 4.2.1.11) ("
                    + name + ")", null);
        }
        return null;
    }

    /** The leaf may serve TLS: no extended key usage, or serverAuth or anyExtendedKeyUsage among them. */
    private static CertCheck.Problem leafPurpose(X509Certificate leaf) {
        try {
            List<String> purposes = leaf.getExtendedKeyUsage();
            if (purposes != null && !purposes.contains(SERVER_AUTH) && !purposes.contains(ANY_PURPOSE)) {
                return new CertCheck.Problem("key_usage", "certificate is not for TLS servers (extended key usage "
                        + String.join(", ", purposes.stream().map(CertProfile::purpose).toList()) + ") (" + ChainValidator.name(leaf) + ")", null);
            }
        } catch (CertificateParsingException e) {
            return new CertCheck.Problem("bad_extension", "certificate has an extended key usage that does not decode ("
                    + ChainValidator.name(leaf) + ")", e.getMessage());
        }
        return null;
    }

    /** A server certificate a CA issued: not a CA itself, not for signing certificates, with an authority key identifier. */
    private static CertCheck.Problem issuedLeaf(X509Certificate leaf) {
        String name = ChainValidator.name(leaf);
        if (leaf.getBasicConstraints() >= 0) {
            return new CertCheck.Problem("ca_as_leaf", "certificate is a CA certificate (basic constraints CA:TRUE) used as a server's ("
                    + name + ")", null);
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage != null && usage.length > KEY_CERT_SIGN && usage[KEY_CERT_SIGN]) {
            return new CertCheck.Problem("key_usage", "certificate may sign certificates (key usage keyCertSign) but is used as a server's ("
                    + name + ")", null);
        }
        if (leaf.getExtensionValue(Extension.nameConstraints.getId()) != null) {
            return new CertCheck.Problem("name_constraints", "certificate has name constraints, which only CA certificates may have ("
                    + name + ")", null);
        }
        if (!ChainValidator.isSelfIssued(leaf) && leaf.getExtensionValue(Extension.authorityKeyIdentifier.getId()) == null) {
            return new CertCheck.Problem("bad_extension", "certificate has no authority key identifier (RFC 5280 4.2.1.1) (" + name + ")", null);
        }
        return null;
    }

    /**
     * The leaf's names are well-formed; a critical subjectAltName goes with an empty subject only;
     * no wildcard name could stand for a name that a CA on the path excluded.
     */
    private static CertCheck.Problem names(X509Certificate leaf, List<X509Certificate> validated) {
        SubjectAltNames sans = SubjectAltNames.of(leaf);
        String name = ChainValidator.name(leaf);
        if (!sans.malformed().isEmpty()) {
            return new CertCheck.Problem("bad_san", "certificate has a malformed subject alternative name (" + String.join(", ", sans.malformed())
                    + ") (" + name + ")", null);
        }
        if (sans.critical() && !name.isEmpty()) { // (the converse, an empty subject without a critical SAN, the JDK does not even parse)
            return new CertCheck.Problem("bad_extension", "certificate marks its subject alternative names critical although its subject is"
                    + " not empty (RFC 5280 4.2.1.6) (" + name + ")", null);
        }
        for (String dns : sans.dns()) {
            if (!dns.startsWith("*.")) {
                continue;
            }
            String parent = dns.substring(2).toLowerCase(Locale.ROOT);
            for (X509Certificate ca : validated.subList(1, validated.size())) {
                for (String excluded : excludedDnsNames(ca)) {
                    String e = excluded.toLowerCase(Locale.ROOT);
                    e = e.startsWith(".") ? e.substring(1) : e;
                    int dot = e.indexOf('.');
                    if (dot > 0 && e.substring(dot + 1).equals(parent)) {
                        return new CertCheck.Problem("name_constraints", "certificate's wildcard " + dns + " covers " + e
                                + ", which " + ChainValidator.name(ca) + " excludes (" + name + ")", null);
                    }
                }
            }
        }
        return null;
    }

    /**
     * A CA's name constraints are well-formed: DNS subtrees are host names (a leading dot allowed, no
     * wildcard, no spaces), IP subtrees an address and a contiguous mask of the same family. A
     * malformed excluded subtree would exclude nothing, so it is refused rather than ignored.
     */
    static CertCheck.Problem constraintForms(X509Certificate ca) {
        byte[] extension = ca.getExtensionValue(Extension.nameConstraints.getId());
        if (extension == null) {
            return null;
        }
        NameConstraints constraints;
        try {
            constraints = NameConstraints.getInstance(ASN1OctetString.getInstance(extension).getOctets());
        } catch (IllegalArgumentException e) {
            return new CertCheck.Problem("name_constraints", "the name constraints of " + ChainValidator.name(ca) + " do not decode", null);
        }
        List<GeneralSubtree> all = new ArrayList<>();
        for (GeneralSubtree[] part : new GeneralSubtree[][] {constraints.getPermittedSubtrees(), constraints.getExcludedSubtrees()}) {
            all.addAll(part == null ? List.of() : List.of(part));
        }
        if (all.isEmpty()) {
            return new CertCheck.Problem("name_constraints", ChainValidator.name(ca) + " has a name constraints extension with no subtree"
                    + " (RFC 5280 4.2.1.10)", null);
        }
        for (GeneralSubtree subtree : all) {
            GeneralName base = subtree.getBase();
            String bad = null;
            if (base.getTagNo() == GeneralName.dNSName) {
                String dns = base.getName().toString();
                if (dns.startsWith(".")) {
                    bad = "DNS:" + dns + "; a DNS constraint takes no leading period (RFC 5280 4.2.1.10): " + dns.substring(1)
                            + " covers its subdomains";
                } else if (!dns.isEmpty() && (dns.contains("*") || !SubjectAltNames.validDnsName(dns))) {
                    bad = "DNS:" + dns;
                }
            } else if (base.getTagNo() == GeneralName.iPAddress) {
                byte[] range = ASN1OctetString.getInstance(base.getName()).getOctets();
                if ((range.length != 8 && range.length != 32) || !contiguousMask(range)) {
                    bad = "an IP range of " + range.length + " bytes" + (range.length == 8 || range.length == 32 ? " with a gap in its mask" : "");
                }
            }
            if (bad != null) {
                return new CertCheck.Problem("name_constraints", ChainValidator.name(ca) + " has a malformed name constraint (" + bad + ")", null);
            }
        }
        return null;
    }

    /** The second half of an address-and-mask is ones, then zeros. */
    private static boolean contiguousMask(byte[] range) {
        boolean zeros = false;
        for (int i = range.length / 2; i < range.length; i++) {
            for (int bit = 7; bit >= 0; bit--) {
                boolean one = (range[i] >> bit & 1) == 1;
                if (one && zeros) {
                    return false;
                }
                zeros |= !one;
            }
        }
        return true;
    }

    private static List<String> excludedDnsNames(X509Certificate ca) {
        byte[] extension = ca.getExtensionValue(Extension.nameConstraints.getId());
        List<String> names = new ArrayList<>();
        if (extension == null) {
            return names;
        }
        try {
            NameConstraints constraints = NameConstraints.getInstance(ASN1OctetString.getInstance(extension).getOctets());
            GeneralSubtree[] excluded = constraints.getExcludedSubtrees();
            for (GeneralSubtree subtree : excluded == null ? new GeneralSubtree[0] : excluded) {
                if (subtree.getBase().getTagNo() == GeneralName.dNSName) {
                    names.add(subtree.getBase().getName().toString());
                }
            }
        } catch (IllegalArgumentException e) {
            // the validator judged the extension itself
        }
        return names;
    }

    /** RSA of at least 2048 bits; no DSA (the CA/Browser Forum allows neither smaller RSA nor DSA). */
    private static CertCheck.Problem key(X509Certificate cert, String which) {
        PublicKey key = cert.getPublicKey();
        if (key instanceof DSAKey) {
            return new CertCheck.Problem("weak_key", which + " has a DSA key, which TLS servers no longer use ("
                    + ChainValidator.name(cert) + ")", null);
        }
        if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            return new CertCheck.Problem("weak_key", which + " has a " + rsa.getModulus().bitLength() + "-bit RSA key (at least "
                    + MIN_RSA_BITS + " needed) (" + ChainValidator.name(cert) + ")", null);
        }
        if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() % 8 != 0) {
            return new CertCheck.Problem("weak_key", which + " has a " + rsa.getModulus().bitLength() + "-bit RSA key, not a whole number"
                    + " of bytes (CA/Browser Forum 6.1.5) (" + ChainValidator.name(cert) + ")", null);
        }
        return null;
    }

    /** A CA given with --cacert: basic constraints critical, the authority key identifier not. */
    static CertCheck.Problem givenCa(X509Certificate ca) {
        Set<String> critical = ca.getCriticalExtensionOIDs() == null ? Set.of() : ca.getCriticalExtensionOIDs();
        String name = ChainValidator.name(ca);
        if (ca.getBasicConstraints() >= 0 && !critical.contains(Extension.basicConstraints.getId())) {
            return new CertCheck.Problem("bad_extension", "the trusted CA certificate's basic constraints are not marked critical (RFC 5280"
                    + " 4.2.1.9) (" + name + ")", null);
        }
        if (critical.contains(Extension.authorityKeyIdentifier.getId())) {
            return new CertCheck.Problem("bad_extension", "the trusted CA certificate marks its authority key identifier critical (RFC 5280"
                    + " 4.2.1.1) (" + name + ")", null);
        }
        return null;
    }

    private static String purpose(String oid) {
        return switch (oid) {
            case SERVER_AUTH -> "serverAuth";
            case "1.3.6.1.5.5.7.3.2" -> "clientAuth";
            case "1.3.6.1.5.5.7.3.3" -> "codeSigning";
            case "1.3.6.1.5.5.7.3.4" -> "emailProtection";
            case "1.3.6.1.5.5.7.3.8" -> "timeStamping";
            case "1.3.6.1.5.5.7.3.9" -> "OCSPSigning";
            default -> oid;
        };
    }
}
