package dev.netknife.cli;

import dev.netknife.BuildInfo;
import dev.netknife.ExitCode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The picocli model of nk: the root command, its global options, and whichever subcommands are asked for. */
public final class Model {
    private Model() {
    }

    /** The whole command tree, for root help, man pages and completion scripts. */
    public static CommandLine full() {
        return build(Commands.all(), new HashMap<>());
    }

    /** Root plus the given subcommands; records each built command object in {@code built}. */
    static CommandLine build(List<Commands.Entry> entries, Map<String, NkCommand> built) {
        // the version is read from the jar only when asked for (nk --version is answered before this model is built)
        CommandSpec root = CommandSpec.create().name("nk");
        root.versionProvider(() -> BuildInfo.current().versionLines());
        root.usageMessage()
                .description("A network Swiss-army knife in one tool: netcat, UDP, WebSocket, an HTTP client, TLS reports, a chat server, a TCP load balancer and probes with a CI wait mode.")
                .synopsisHeading("Usage: ")
                .customSynopsis("nk [--json] [--color=WHEN] [-v|-q] COMMAND [ARGS...]", "       nk --version | --help | help COMMAND")
                .descriptionHeading("%n")
                .optionListHeading("%nGlobal options (also accepted after the command name):%n")
                .commandListHeading("%nCommands:%n")
                .footerHeading("%nNotes:%n")
                .footer(footer())
                .sortOptions(false);
        exitCodes(root);
        GlobalOptions.addTo(root);
        root.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.").build());
        root.addOption(OptionSpec.builder("--version").versionHelp(true).description("Print the version and exit.").build());
        for (Commands.Entry entry : entries) {
            NkCommand command = entry.factory().get();
            CommandSpec spec = command.spec();
            GlobalOptions.addTo(spec);
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.").build());
            spec.usageMessage().optionListHeading("%nOptions (global options --json, --color, -v, -q work here too):%n")
                    .footerHeading("%nNotes:%n");
            exitCodes(spec);
            root.addSubcommand(entry.name(), spec);
            built.put(entry.name(), command);
        }
        return new CommandLine(root);
    }

    private static void exitCodes(CommandSpec spec) {
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode code : ExitCode.values()) {
            codes.put(String.valueOf(code.code()), code.description());
        }
        spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
    }

    private static String[] footer() {
        return new String[] {
            "Durations: 250ms, 3s, 2m, 1h; a bare number is seconds. Rates: N, N/s or N/m (a burst of N allowed).",
            "Any argument may come from a file: @FILE (one argument per line). See 'nk COMMAND --help' for a command's options.",
            "",
            "stdout is data, stderr is talk. Servers print their bound HOST:PORT on stdout when ready; under --json as a "
                + "\"listening\" event with the address.",
            "",
            "With --json every stdout line is one JSON object (connect's go to stderr instead: its stdout is the peer's bytes). The first fields are the same for every command: "
                + "schema (\"nk/1\"), command, target (HOST:PORT), ok, exit_code, error (null, or {kind, phase, message}, where kind "
                + "names the exit code: error, usage, unknown_host, refused, tls, protocol, assertion, timeout, interrupted; and phase is "
                + "dns, connect, tls, first-byte, idle or total where it applies), and timings {dns, connect, tls, first_byte, total} in "
                + "milliseconds (null when not measured). A section of the command's own follows: connect has {outcome, sent, received} (and tls {protocol, cipher, alpn} with --tls), "
                + "connect -z has port_check {address, port, open, reason}, http-get has http {url, method, status, reason, version, headers (lower-case names), bytes, redirects[], "
                + "connection_reused}, tls-get has tls {protocol, cipher, alpn, sni, resumed, verified, "
                + "verify_error, chain[] of {subject, issuer, subject_alt_names, not_before, not_after, days_left, key_type, key_bits, "
                + "signature_algorithm, sha256, self_signed}}. For exit code 5 error.kind says what failed: expired, not_yet_valid, "
                + "self_signed, unknown_issuer, hostname_mismatch, key_usage, not_a_ca, protocol_version, no_common_cipher, alpn, not_tls, peer_closed or "
                + "handshake. Server events are JSON lines with schema, command and event "
                + "(listening, open, close, reject, summary).",
        };
    }

    static String version() {
        return BuildInfo.current().version();
    }
}
