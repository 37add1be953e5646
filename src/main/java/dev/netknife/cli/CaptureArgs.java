package dev.netknife.cli;

import dev.netknife.BuildInfo;
import dev.netknife.NkException;
import dev.netknife.capture.Capture;
import dev.netknife.io.Wiretap;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** --pcap FILE, --pcap-max SIZE and --pcap-rotate N: every command's packet capture. */
final class CaptureArgs {
    private static final long MIN_BYTES = 4096;

    private CaptureArgs() {
    }

    static void add(CommandSpec spec) {
        spec.addOption(Specs.option("FILE", "Capture every byte nk sends and receives to FILE as pcapng (Wireshark, tshark): TCP and UDP"
                + " with the real addresses and ports, and the TLS secrets, so tshark decrypts TLS by itself. No root needed.", "--pcap"));
        spec.addOption(Specs.option("SIZE", "With --pcap: FILE never grows past SIZE (K, M, G); capturing stops there, unless"
                + " --pcap-rotate.", "--pcap-max"));
        spec.addOption(Specs.option("N", "With --pcap-max: when FILE is full it becomes FILE.1 (FILE.1 becomes FILE.2, and so on) and"
                + " capturing goes on in a new FILE; N older files are kept.", "--pcap-rotate"));
    }

    /** The capture interface of a command that sees one side (every command but balance); NONE without --pcap. */
    static Wiretap tap(Invocation inv) {
        return inv.wiretap("nk", "nk " + inv.command());
    }

    /** The capture the options ask for, or null. */
    static Capture open(Args args, Invocation inv) {
        String file = args.string("--pcap");
        if (file == null) {
            args.refuse(java.util.List.of("--pcap-max", "--pcap-rotate"), "needs --pcap FILE");
            return null;
        }
        if (file.isBlank()) {
            throw NkException.usage("--pcap needs a file name");
        }
        if (file.equals("-")) {
            throw NkException.usage("--pcap -: stdout is nk's own; for a live view give a FIFO (mkfifo live; wireshark -k -i live &"
                    + " then --pcap live)");
        }
        long max = args.bytes("--pcap-max", 0L, MIN_BYTES, 1L << 50);
        if (max == 0) {
            args.refuse(java.util.List.of("--pcap-rotate"), "needs --pcap-max SIZE");
        }
        int keep = args.integer("--pcap-rotate", 0, 1, 1000);
        inv.verboseInfo("capturing to " + file);
        return Capture.open(Path.of(file), max, keep, "nk " + BuildInfo.current().version(), inv::info);
    }
}
