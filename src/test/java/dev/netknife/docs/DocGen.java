package dev.netknife.docs;

import dev.netknife.BuildInfo;
import dev.netknife.cli.Model;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build step: writes the man page sources (AsciiDoc, one per command) and the bash/zsh completion
 * script from the full picocli model into {@code OUTDIR/adoc} and {@code OUTDIR/completions}.
 * The build turns the AsciiDoc into troff; {@code ./mvnw -Pdocs package} copies both into the repository.
 */
public final class DocGen {
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
        try (var files = Files.list(adoc)) {
            for (Path file : files.toList()) {
                Files.writeString(file, keepSynopsisLines(Files.readString(file)));
            }
        }
        String script = AutoComplete.bash("nk", model);
        Files.writeString(completions.resolve("nk.bash"), script, StandardCharsets.UTF_8);
        System.out.println("docs: " + new File(adoc.toString()).list().length + " man page sources, completions in " + completions);
    }
}
