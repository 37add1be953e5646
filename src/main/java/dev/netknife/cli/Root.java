package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Ttys;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Builds the picocli model for one invocation and runs it. A pre-scan finds the subcommand name,
 * so only that subcommand's model is built; the full tree is built for root help and for docs.
 * Every failure ends here as one line on stderr ({@code nk: command: message}) and its exit code;
 * a stack trace only with {@code -v}.
 */
public final class Root {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Ttys ttys;
    private final List<Commands.Entry> commands;

    public Root(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Ttys ttys,
            List<Commands.Entry> commands) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = env;
        this.ttys = ttys;
        this.commands = commands;
    }

    public int execute(String... argv) {
        String[] args = rewriteHelpCommand(argv);
        String first = firstPositional(args);
        Commands.Entry entry = first == null ? null : Commands.find(first);
        if (first != null && entry == null) {
            err.println("nk: unknown command '" + first + "' (see 'nk --help')");
            return ExitCode.USAGE.code();
        }
        Map<String, NkCommand> built = new HashMap<>();
        boolean versionOnly = entry == null && contains(args, "--version") && !contains(args, "-h") && !contains(args, "--help");
        CommandLine line = model(entry != null ? List.of(entry) : versionOnly ? List.of() : commands, built);
        String commandName = entry == null ? null : entry.name();
        line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        line.setColorScheme(CommandLine.Help.defaultColorScheme(
                contains(args, "--color=always") ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        line.setParameterExceptionHandler((e, a) -> fail(commandName, e, usage(e), contains(args, "--json"),
                contains(args, "-v") || contains(args, "--verbose"), null));
        line.setExecutionStrategy(result -> dispatch(result, built, args));
        return line.execute(args);
    }

    /** The whole command tree, for root help, man pages and completion scripts. */
    public static CommandLine fullModel() {
        return model(Commands.all(), new HashMap<>());
    }

    private static CommandLine model(List<Commands.Entry> entries, Map<String, NkCommand> built) {
        CommandSpec root = CommandSpec.create().name("nk").version("nk " + version());
        root.usageMessage()
                .description("A network Swiss-army knife: netcat, an echo server, and more, in one tool.")
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
            spec.version("nk " + version());
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
            "stdout is data, stderr is talk. Servers print their bound HOST:PORT on stdout when ready, even under --json.",
            "",
            "With --json every result is one JSON object per line on stdout. The first fields are the same for every command: "
                + "schema (\"nk/1\"), command, target (HOST:PORT), ok, exit_code, error (null, or {kind, phase, message}, where kind "
                + "names the exit code: error, usage, unknown_host, refused, tls, protocol, assertion, timeout, interrupted; and phase is "
                + "dns, connect, tls, first-byte, idle or total where it applies), and timings {dns, connect, tls, first_byte, total} in "
                + "milliseconds (null when not measured). A section of the command's own follows: connect has {outcome, sent, received}, "
                + "connect -z has port_check {address, port, open, reason}. Server events are JSON lines with schema, command and event "
                + "(open, close, reject, summary).",
        };
    }

    private int dispatch(ParseResult result, Map<String, NkCommand> built, String[] args) {
        if (CommandLine.printHelpIfRequested(result)) {
            return ExitCode.OK.code();
        }
        ParseResult sub = result.subcommand();
        if (sub == null) {
            result.commandSpec().commandLine().usage(err);
            return ExitCode.USAGE.code();
        }
        String name = sub.commandSpec().name();
        GlobalOptions globals;
        try {
            globals = GlobalOptions.from(result, sub);
        } catch (NkException e) {
            return fail(name, e, e.getMessage(), contains(args, "--json"), false, null);
        }
        Invocation inv = new Invocation(name, in, out, err, globals, env, ttys);
        try {
            return built.get(name).run(new Args(sub), inv);
        } catch (NkException e) {
            return fail(name, e, e.getMessage(), globals.json(), globals.verbose(), inv);
        } catch (InterruptedException e) {
            return ExitCode.INTERRUPTED.code();
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return fail(name, e, message, globals.json(), globals.verbose(), inv);
        }
    }

    private int fail(String command, Exception e, String message, boolean json, boolean verbose, Invocation inv) {
        NkException nk = e instanceof NkException n ? n
                : e instanceof ParameterException ? NkException.usage(message)
                : new NkException(ExitCode.FAILURE, null, message, e);
        if (json && (inv == null || !inv.resultPrinted())) {
            synchronized (out) {
                out.println(JsonResult.of(command, null, nk.exitCode(), nk, null));
                out.flush();
            }
        }
        err.println("nk: " + (command == null ? "" : command + ": ") + message);
        if (verbose) {
            e.printStackTrace(err);
        }
        return nk.exitCode().code();
    }

    private static String usage(ParameterException e) {
        String name = e.getCommandLine().getCommandName();
        String message = e.getMessage();
        return message + " (see 'nk " + ("nk".equals(name) ? "" : name + " ") + "--help')";
    }

    /** {@code nk help CMD} is {@code nk CMD --help}; {@code nk help} is {@code nk --help}. */
    private static String[] rewriteHelpCommand(String[] args) {
        int at = firstPositionalIndex(args);
        if (at < 0 || !"help".equals(args[at])) {
            return args;
        }
        List<String> rewritten = new ArrayList<>(List.of(args).subList(0, at));
        if (at + 1 < args.length) {
            rewritten.add(args[at + 1]);
        }
        rewritten.add("--help");
        return rewritten.toArray(String[]::new);
    }

    private static String firstPositional(String[] args) {
        int at = firstPositionalIndex(args);
        return at < 0 ? null : args[at];
    }

    /** Index of the first argument that is not a global option (nor the value of {@code --color WHEN}). */
    private static int firstPositionalIndex(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return i + 1 < args.length ? i + 1 : -1;
            }
            if (a.equals(GlobalOptions.COLOR)) {
                i++;
            } else if (!a.startsWith("-") || a.equals("-")) {
                return a.startsWith("@") ? -1 : i;
            }
        }
        return -1;
    }

    private static boolean contains(String[] args, String option) {
        for (String a : args) {
            if (a.equals(option)) {
                return true;
            }
        }
        return false;
    }

    static String version() {
        try (InputStream v = Root.class.getResourceAsStream("/dev/netknife/version.txt")) {
            return v == null ? "dev" : new String(v.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "dev";
        }
    }
}
