package dev.netknife.tls;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * A certificate's DNS and IP subject alternative names, each kept as its own type (an IP
 * reference identity is compared only with iPAddress names, byte for byte; a DNS reference only
 * with dNSName names), and the entries that are malformed: a dNSName that is not a host name or a
 * leftmost-wildcard pattern, an iPAddress that is neither 4 nor 16 bytes.
 */
record SubjectAltNames(List<String> dns, List<byte[]> ips, List<String> malformed, boolean present, boolean critical) {

    /** LDH labels (underscores allowed: internal names use them), optionally a leftmost "*" label. */
    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*");

    static final SubjectAltNames NONE = new SubjectAltNames(List.of(), List.of(), List.of(), false, false);

    static SubjectAltNames of(X509Certificate cert) {
        byte[] extension = cert.getExtensionValue(Extension.subjectAlternativeName.getId());
        if (extension == null) {
            return NONE;
        }
        boolean critical = cert.getCriticalExtensionOIDs() != null
                && cert.getCriticalExtensionOIDs().contains(Extension.subjectAlternativeName.getId());
        List<String> dns = new ArrayList<>();
        List<byte[]> ips = new ArrayList<>();
        List<String> malformed = new ArrayList<>();
        GeneralNames names;
        try {
            names = GeneralNames.getInstance(ASN1OctetString.getInstance(extension).getOctets());
        } catch (IllegalArgumentException e) {
            return new SubjectAltNames(List.of(), List.of(), List.of("the extension does not decode"), true, critical);
        }
        for (GeneralName name : names.getNames()) {
            if (name.getTagNo() == GeneralName.dNSName) {
                String text = ((ASN1String) name.getName()).getString();
                if (validDnsName(text)) {
                    dns.add(text);
                } else {
                    malformed.add("DNS:" + text);
                }
            } else if (name.getTagNo() == GeneralName.iPAddress) {
                byte[] address = ASN1OctetString.getInstance(name.getName()).getOctets();
                if (address.length == 4 || address.length == 16) {
                    ips.add(address);
                } else {
                    malformed.add("IP of " + address.length + " bytes");
                }
            }
        }
        return new SubjectAltNames(List.copyOf(dns), List.copyOf(ips), List.copyOf(malformed), true, critical);
    }

    /** The names with their types, as in "DNS:example.com, IP:127.0.0.1": where a DNS name looks like an address. */
    List<String> typed() {
        List<String> all = new ArrayList<>();
        for (String name : dns) {
            all.add("DNS:" + name);
        }
        for (byte[] ip : ips) {
            try {
                all.add("IP:" + dev.netknife.io.Endpoint.text(java.net.InetAddress.getByAddress(ip)));
            } catch (java.net.UnknownHostException e) {
                all.add("IP of " + ip.length + " bytes");
            }
        }
        return all;
    }

    /** A host name or a pattern with a leftmost wildcard label; no empty labels, spaces or trailing dot; at most 253 characters. */
    static boolean validDnsName(String name) {
        return name.length() <= 253 && DNS_NAME.matcher(name).matches();
    }
}
