package dev.netknife.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The man pages' examples come from README.md's Quickstart, each line under the command it runs. */
class DocGenTest {

    @Test
    void quickstartLinesGoToTheCommandTheyRun() {
        String readme = """
                # nk

                ```sh
                ./nk connect example.com 80   # before the Quickstart: not an example
                ```

                ## Quickstart

                ### connect

                ```sh
                echo hello | ./nk connect 127.0.0.1 7000   # a pipe into it
                ./nk --json -v connect -z localhost 5432   # global options first
                ```

                Text that mentions ./nk echo-server 1 is not an example.

                ```sh
                ./nk echo-server --tls 8443
                ./nk nonsense 1
                ```

                ## Conventions

                ```sh
                ./nk udp 127.0.0.1 53
                ```
                """;
        Map<String, List<String>> examples = DocGen.examples(readme, Set.of("connect", "echo-server", "udp"));
        assertEquals(Map.of("connect", List.of("echo hello | nk connect 127.0.0.1 7000   # a pipe into it",
                        "nk --json -v connect -z localhost 5432   # global options first"),
                "echo-server", List.of("nk echo-server --tls 8443")), examples);
    }

    @Test
    void commentsAreAlignedAndTitlesLoseTheirColon() {
        assertEquals(List.of("nk a      # one", "nk bbbbb  # two", "nk c"), DocGen.alignComments(List.of("nk a  # one", "nk bbbbb    # two", "nk c")));
        assertEquals("== Exit codes\n\n== Notes\ntext: kept\n", DocGen.plainHeadings("==  Exit codes:\n\n==  Notes:\ntext: kept\n"));
    }

    @Test
    void aReadmeSectionsProseBecomesAManPageSection() {
        String readme = "## Quickstart\n\n### Capture it\n\n```sh\n./nk connect --pcap f 1 2\n```\n\nFirst `--pcap`\nparagraph.\n\n\nSecond.\n\n"
                + "### Next\n\nnot this\n";
        assertEquals("First `--pcap`\nparagraph.\n\nSecond.", DocGen.readmeProse(readme, "Capture it"));
        String adoc = "== Options\n\n// end::picocli-generated-full-manpage[]\n";
        assertEquals("== Options\n\n== Packet capture\n\nFirst.\n\n// end::picocli-generated-full-manpage[]\n",
                DocGen.withSection(adoc, "Packet capture", "First."));
    }
}
