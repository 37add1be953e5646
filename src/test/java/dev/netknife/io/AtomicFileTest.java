package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** -o / -O targets: written aside and renamed on success, with the mode curl's files get. */
class AtomicFileTest {
    @TempDir
    Path dir;

    private List<Path> files() throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        }
    }

    @Test
    void aNewFileGetsTheUmasksModeNotTheTempFiles0600() throws Exception {
        Path reference = Files.createFile(dir.resolve("reference")); // 0666 minus this process's umask
        Path target = dir.resolve("download.bin");
        try (AtomicFile file = AtomicFile.create(target)) {
            file.stream().write("body".getBytes(StandardCharsets.US_ASCII));
            file.commit();
        }
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(target));
        assertEquals("body", Files.readString(target));
        assertEquals(List.of(target, reference), files()); // no .nk-part left
    }

    @Test
    void aReplacedFileKeepsItsMode() throws Exception {
        Path target = Files.writeString(dir.resolve("data"), "old");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
        try (AtomicFile file = AtomicFile.create(target)) {
            file.stream().write("new".getBytes(StandardCharsets.US_ASCII));
            file.commit();
        }
        assertEquals("new", Files.readString(target));
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(target));
    }

    @Test
    void aLinkToAFileStaysALinkAndTheFileIsReplacedWhole() throws Exception {
        Path real = Files.writeString(dir.resolve("real.txt"), "a longer old content");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), Path.of("real.txt"));
        try (AtomicFile file = AtomicFile.create(link)) {
            file.stream().write("new".getBytes(StandardCharsets.US_ASCII));
            file.commit();
        }
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real)); // no tail of the old content left behind
        assertEquals(List.of(link, real), files());
    }

    @Test
    void withoutCommitTheTargetIsLeftAsItWasAndNothingElseRemains() throws Exception {
        Path target = Files.writeString(dir.resolve("data"), "old");
        try (AtomicFile file = AtomicFile.create(target)) {
            file.stream().write(new byte[1000]);
        }
        assertArrayEquals("old".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(target));
        assertEquals(List.of(target), files());
        Path missing = dir.resolve("never");
        try (AtomicFile file = AtomicFile.create(missing)) {
            file.stream().write(1);
        }
        assertFalse(Files.exists(missing));
        assertEquals(List.of(target), files());
    }
}
