package dev.netknife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.support.NkRun;
import org.junit.jupiter.api.Test;

class HelpTextsTest {

    @Test
    void theBuildsHelpTextsEqualWhatPicocliPrintsNow() {
        // a stale text would show users help for options that no longer exist
        String root = HelpTexts.prerendered(new String[] {"--help"});
        assertNotNull(root, "the build writes dev/netknife/help/nk.txt (exec help-texts)");
        assertEquals(HelpTexts.render(null), root);
        for (Commands.Entry entry : Commands.all()) {
            String stored = HelpTexts.prerendered(new String[] {entry.name(), "--help"});
            assertEquals(HelpTexts.render(entry.name()), stored, entry.name());
            assertTrue(stored.startsWith("Usage: nk " + entry.name()), stored);
        }
    }

    @Test
    void everySpellingOfPlainHelpPrintsTheStoredText() {
        String connect = HelpTexts.render("connect");
        for (String[] args : new String[][] {{"connect", "--help"}, {"connect", "-h"}, {"help", "connect"}}) {
            NkRun.Result r = NkRun.run(args);
            assertEquals(0, r.code());
            assertEquals(connect, r.out(), String.join(" ", args));
        }
        assertEquals(HelpTexts.render(null), NkRun.run("help").out());
        assertEquals(HelpTexts.render(null), NkRun.run("-h").out());
    }

    @Test
    void helpWithOtherOptionsOrAnUnknownCommandIsLeftToPicocli() {
        assertNull(HelpTexts.prerendered(new String[] {"-v", "--help"}));
        assertNull(HelpTexts.prerendered(new String[] {"connect", "--color=always", "--help"}));
        assertNull(HelpTexts.prerendered(new String[] {"nosuch", "--help"}));
        NkRun.Result coloured = NkRun.run("--color=always", "connect", "--help");
        assertEquals(0, coloured.code());
        assertTrue(coloured.out().contains("\u001b["), coloured.out());
        NkRun.Result unknown = NkRun.run("nosuch", "--help");
        assertEquals(2, unknown.code());
    }

    @Test
    void eachFooterParagraphIsWholeSentencesSoPicocliWrapsIt() {
        // a sentence split over two footer strings prints as a short line in the middle of a paragraph
        for (Commands.Entry entry : Commands.all()) {
            for (String paragraph : entry.factory().get().spec().usageMessage().footer()) {
                assertTrue(paragraph.endsWith(".") || paragraph.endsWith(".)"), entry.name() + ": " + paragraph);
            }
        }
    }
}
