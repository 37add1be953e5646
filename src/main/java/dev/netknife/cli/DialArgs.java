package dev.netknife.cli;

import dev.netknife.NkException;
import dev.netknife.io.DialOptions;
import dev.netknife.io.IpVersion;
import picocli.CommandLine.Model.CommandSpec;

/** The dialing options every client command shares: --connect-timeout, -4, -6. */
final class DialArgs {
    private DialArgs() {
    }

    static void add(CommandSpec spec) {
        spec.addOption(Specs.option("DUR", "Give up connecting after DUR, DNS included (default 10s; TLS handshakes and WebSocket upgrades too).", "--connect-timeout"));
        spec.addOption(Specs.flag("IPv4 only.", "-4"));
        spec.addOption(Specs.flag("IPv6 only.", "-6"));
    }

    static DialOptions options(Args args) {
        return options(args, DialOptions.DEFAULT_CONNECT_TIMEOUT_MILLIS);
    }

    /** As above, with {@code defaultTimeoutMillis} when --connect-timeout is not given. */
    static DialOptions options(Args args, long defaultTimeoutMillis) {
        if (args.flag("-4") && args.flag("-6")) {
            throw NkException.usage("-4 and -6 exclude each other");
        }
        return new DialOptions(args.positiveMillis("--connect-timeout", defaultTimeoutMillis),
                args.flag("-4") ? IpVersion.V4 : args.flag("-6") ? IpVersion.V6 : IpVersion.ANY);
    }
}
