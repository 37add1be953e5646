package dev.netknife.cli;

import dev.netknife.BuildInfo;
import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.capture.Capture;
import dev.netknife.term.JsonResult;
import dev.netknife.term.Sanitizer;
import dev.netknife.term.Ttys;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
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
        String help = args.length == 1 && args[0].equals("--version")
                ? String.join(System.lineSeparator(), BuildInfo.current().versionLines()) + System.lineSeparator()
                : HelpTexts.prerendered(args);
        if (help != null) { // printed without building the picocli model: these run from scripts all day
            out.print(help);
            out.flush();
            return ExitCode.OK.code();
        }
        return executeWithPicocli(args);
    }

    int executeWithPicocli(String... argv) {
        String[] args = rewriteHelpCommand(argv);
        String first = firstPositional(args);
        Commands.Entry entry = first == null ? null : Commands.find(first);
        if (first != null && entry == null) {
            err.println("nk: unknown command '" + Sanitizer.clean(first) + "' (see 'nk --help')");
            return ExitCode.USAGE.code();
        }
        Map<String, NkCommand> built = new HashMap<>();
        boolean versionOnly = entry == null && contains(args, "--version") && !contains(args, "-h") && !contains(args, "--help");
        CommandLine line = Model.build(entry != null ? List.of(entry) : versionOnly ? List.of() : commands, built);
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
            Args parsed = new Args(sub);
            try (Capture capture = CaptureArgs.open(parsed, inv)) {
                inv.capture(capture);
                return built.get(name).run(parsed, inv);
            }
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
            PrintStream to = inv == null ? out : inv.jsonStream();
            synchronized (to) {
                to.println(inv == null ? JsonResult.of(command, null, nk.exitCode(), nk, null)
                        : JsonResult.of(command, inv.target(), nk.exitCode(), nk, inv.timingsSoFar()));
                to.flush();
            }
        }
        err.println("nk: " + (command == null ? "" : command + ": ") + Sanitizer.clean(message)); // messages quote peers and arguments
        if (verbose) {
            err.print(stackTrace(e));
        }
        return nk.exitCode().code();
    }

    /** The exception, its frames and its causes, as the JVM would print them (for -v). */
    static String stackTrace(Throwable e) {
        StringBuilder s = new StringBuilder();
        String prefix = "";
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            s.append(prefix).append(Sanitizer.clean(t.toString())).append(System.lineSeparator());
            for (StackTraceElement frame : t.getStackTrace()) {
                s.append("\tat ").append(frame).append(System.lineSeparator());
            }
            prefix = "Caused by: ";
        }
        return s.toString();
    }

    private static String usage(ParameterException e) {
        String name = e.getCommandLine().getCommandName();
        String message = e instanceof CommandLine.UnmatchedArgumentException unmatched && unmatched.isUnknownOption()
                ? unknownOption(unmatched) : e.getMessage();
        return message + " (see 'nk " + ("nk".equals(name) ? "" : name + " ") + "--help')";
    }

    /**
     * The first unknown option alone (picocli also lists the arguments left over after it, such as
     * the port its value pushed out) and the options it may have meant.
     */
    private static String unknownOption(CommandLine.UnmatchedArgumentException e) {
        String option = e.getUnmatched().getFirst();
        String habit = PeerHabits.answer(e.getCommandLine().getCommandName(), option);
        if (habit != null) {
            return habit;
        }
        List<String> meant = e.getSuggestions().stream().filter(s -> !s.equals(option)).limit(3).toList();
        return "Unknown option: '" + option + "'" + (meant.isEmpty() ? "" : "; did you mean " + String.join(" or ", meant) + "?");
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
}
