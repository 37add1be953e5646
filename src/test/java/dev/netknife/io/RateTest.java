package dev.netknife.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.NkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RateTest {

    @ParameterizedTest
    @CsvSource({"5, 5, 1000", "5/s, 5, 1000", "30/m, 30, 60000", "2/h, 2, 3600000"})
    void parses(String text, int permits, long period) {
        assertEquals(new Rate(permits, period), Rate.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "x", "5/x", "/s", "-1/s", "1.5/s", "9999999999"})
    void rejects(String text) {
        assertEquals("bad rate '" + text + "': expected N, N/s or N/m (N at least 1)",
                assertThrows(NkException.class, () -> Rate.parse(text)).getMessage());
    }

    @Test
    void bucketAllowsABurstThenRefills() {
        long t = 0;
        TokenBucket bucket = new TokenBucket(new Rate(3, 1000), t);
        assertTrue(bucket.tryAcquire(t));
        assertTrue(bucket.tryAcquire(t));
        assertTrue(bucket.tryAcquire(t));
        assertFalse(bucket.tryAcquire(t), "burst of 3 used up");
        assertFalse(bucket.tryAcquire(t + 300_000_000L), "a third of a second refills one token only at 333 ms");
        assertTrue(bucket.tryAcquire(t + 340_000_000L));
        assertFalse(bucket.isFull(t + 340_000_000L));
        assertTrue(bucket.isFull(t + 2_000_000_000L));
    }

    @Test
    void limiterKeepsBucketsPerKeyAndForgetsFullOnes() {
        RateLimiter<String> limiter = new RateLimiter<>(new Rate(1, 60_000));
        assertTrue(limiter.tryAcquire("a"));
        assertFalse(limiter.tryAcquire("a"));
        assertTrue(limiter.tryAcquire("b"), "another key has its own bucket");
        RateLimiter<Integer> fast = new RateLimiter<>(new Rate(1_000_000, 1));
        for (int i = 0; i < 5000; i++) {
            fast.tryAcquire(i);
        }
        assertTrue(fast.size() < 5000, "refilled buckets are swept: " + fast.size());
    }
}
