package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"250ms, 250", "3s, 3000", "3, 3000", "0.5, 500", "1.5s, 1500", "2m, 120000", "1h, 3600000", "0, 0", "10MS, 10"})
    void parses(String text, long millis) {
        assertEquals(millis, Durations.parseMillis(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "ms", "3x", "-1", "1.2.3", ".", "3 s s", "1e3", "99999999999999999h"})
    void rejects(String text) {
        NkException e = assertThrows(NkException.class, () -> Durations.parseMillis(text));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("bad duration '" + text + "': expected e.g. 250ms, 3s, 2m, 1h or seconds", e.getMessage());
    }

    @Test
    void formats() {
        assertEquals("250ms", Durations.format(250));
        assertEquals("3s", Durations.format(3000));
        assertEquals("1.5s", Durations.format(1500));
        assertEquals("2m", Durations.format(120_000));
        assertEquals("1h", Durations.format(3_600_000));
    }
}
