package dev.netknife.docs;

import dev.netknife.BuildInfo;
import dev.netknife.cli.Model;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build step: writes the man page sources (AsciiDoc, one per command) and the bash/zsh completion
 * script from the full picocli model into {@code OUTDIR/adoc} and {@code OUTDIR/completions}; each man page ends
 * with the examples README.md's Quickstart gives for its command.
 * The build turns the AsciiDoc into troff; {@code ./mvnw -Pdocs package} copies both into the repository.
 */
public final class DocGen {
    /** The README section every man page of a command with --pcap carries as its "Packet capture" section. */
    static final String CAPTURE_HEADING = "Capture what nk sends and receives (--pcap)";
    /** The README section nk-balance(1) carries as its "Faults" section. */
    static final String FAULTS_HEADING = "Test a client against a slow, lossy backend (balance --fault)";

    private DocGen() {
    }

    /** A multi-line custom synopsis is one paragraph in AsciiDoc; hard line breaks keep its lines apart. */
    static String keepSynopsisLines(String adoc) {
        int start = adoc.indexOf("== Synopsis\n\n");
        if (start < 0) {
            return adoc;
        }
        start += "== Synopsis\n\n".length();
        int end = adoc.indexOf("\n\n", start);
        String[] lines = adoc.substring(start, end).split("\n");
        StringBuilder synopsis = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            synopsis.append(lines[i].strip()).append(i + 1 < lines.length ? " +\n" : "");
        }
        return adoc.substring(0, start) + synopsis + adoc.substring(end);
    }

    /** Man page section titles as man pages spell them: "== Exit codes", not picocli's help heading "==  Exit codes:". */
    static String plainHeadings(String adoc) {
        return adoc.replaceAll("(?m)^==[ \\t]+(.*?):?[ \\t]*$", "== $1");
    }

    /**
     * The example lines of README.md's Quickstart, per command: a line belongs to the command it runs
     * ({@code ./nk [global options] COMMAND ...}), written as a user types it on PATH ({@code nk}).
     */
    static Map<String, List<String>> examples(String readme, Set<String> commands) {
        int start = readme.indexOf("\n## Quickstart");
        int end = readme.indexOf("\n## ", start + 1);
        Map<String, List<String>> examples = new LinkedHashMap<>();
        boolean inCode = false;
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
            if (line.startsWith("```")) {
                inCode = line.equals("```sh");
                continue;
            }
            int nk = line.indexOf("./nk ");
            if (!inCode || nk < 0) {
                continue;
            }
            String command = null;
            for (String word : line.substring(nk + 5).split("\\s+")) {
                if (!word.startsWith("-")) {
                    command = word;
                    break;
                }
            }
            if (commands.contains(command)) {
                examples.computeIfAbsent(command, c -> new ArrayList<>()).add(line.replace("./nk ", "nk "));
            }
        }
        return examples;
    }

    /**
     * The prose of README.md's {@code ### heading} section (its code blocks left out), for a man page section: the
     * README says it once for every command that has the feature.
     */
    static String readmeProse(String readme, String heading) {
        int start = readme.indexOf("\n### " + heading);
        if (start < 0) {
            throw new IllegalArgumentException("README.md has no section " + heading);
        }
        start = readme.indexOf('\n', start + 1) + 1;
        int end = readme.indexOf("\n#", start);
        StringBuilder prose = new StringBuilder();
        boolean inCode = false;
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
            if (line.startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            if (!inCode) {
                prose.append(line).append('\n');
            }
        }
        return prose.toString().strip().replaceAll("\n{3,}", "\n\n");
    }

    /** {@code adoc} with a section {@code title} holding {@code text}, before its Examples (or at its end). */
    static String withSection(String adoc, String title, String text) {
        String endTag = "// end::picocli-generated-full-manpage[]";
        int at = adoc.lastIndexOf(endTag);
        if (at < 0) {
            return adoc;
        }
        return adoc.substring(0, at) + "== " + title + "\n\n" + text + "\n\n" + adoc.substring(at);
    }

    /** {@code adoc} with an Examples section at its end (a literal block: the lines as typed, comments aligned). */
    static String withExamples(String adoc, List<String> lines) {
        String endTag = "// end::picocli-generated-full-manpage[]";
        int at = adoc.lastIndexOf(endTag);
        if (lines == null || lines.isEmpty() || at < 0) {
            return adoc;
        }
        return adoc.substring(0, at) + "== Examples\n\n....\n" + String.join("\n", alignComments(lines)) + "\n....\n\n"
                + adoc.substring(at);
    }

    /** The lines with their trailing comments ("  # ...") starting in one column, where the commands are short enough. */
    static List<String> alignComments(List<String> lines) {
        int column = 0;
        for (String line : lines) {
            int hash = line.indexOf("  # ");
            if (hash >= 0 && line.substring(0, hash).strip().length() <= 50) {
                column = Math.max(column, line.substring(0, hash).strip().length());
            }
        }
        List<String> aligned = new ArrayList<>();
        for (String line : lines) {
            int hash = line.indexOf("  # ");
            if (hash < 0) {
                aligned.add(line);
                continue;
            }
            String command = line.substring(0, hash).strip();
            aligned.add(command + " ".repeat(Math.max(2, column + 2 - command.length())) + line.substring(hash + 2));
        }
        return aligned;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Path adoc = out.resolve("adoc");
        Path completions = out.resolve("completions");
        Files.createDirectories(adoc);
        Files.createDirectories(completions);
        CommandLine model = Model.full();
        // the man pages name the version only: the commit and runtime of --version would change them on every commit
        String version = "nk " + BuildInfo.current().version();
        model.getCommandSpec().versionProvider(null).version(version);
        model.getSubcommands().values().forEach(sub -> sub.getCommandSpec().version(version));
        int code = ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], true, model.getCommandSpec());
        if (code != 0) {
            throw new IOException("man page generation failed with " + code);
        }
        String readme = Files.readString(Path.of(args[1]));
        Map<String, List<String>> examples = examples(readme, model.getSubcommands().keySet());
        String capture = readmeProse(readme, CAPTURE_HEADING);
        String faults = readmeProse(readme, FAULTS_HEADING);
        List<String> firstOfEach = examples.values().stream().map(List::getFirst).toList();
        try (var files = Files.list(adoc)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString().replaceFirst("\\.adoc$", "");
                List<String> lines = name.equals("nk") ? firstOfEach : examples.get(name.replaceFirst("^nk-", ""));
                String page = plainHeadings(keepSynopsisLines(Files.readString(file)));
                CommandLine sub = model.getSubcommands().get(name.replaceFirst("^nk-", ""));
                if (sub != null && sub.getCommandSpec().findOption("--pcap") != null) {
                    page = withSection(page, "Packet capture", capture);
                }
                if (sub != null && sub.getCommandSpec().findOption("--fault") != null) {
                    page = withSection(page, "Faults", faults);
                }
                Files.writeString(file, withExamples(page, lines));
            }
        }
        String script = AutoComplete.bash("nk", model);
        Files.writeString(completions.resolve("nk.bash"), script, StandardCharsets.UTF_8);
        System.out.println("docs: " + new File(adoc.toString()).list().length + " man page sources, completions in " + completions);
    }
}
