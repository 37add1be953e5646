package dev.netknife.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netknife.term.JsonReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --fault specs and the API's JSON objects say the same faults; mistakes say what is wrong. */
class FaultTest {
    private static Fault parse(String spec) {
        return Fault.parse(spec, () -> "f1");
    }

    @SuppressWarnings("unchecked")
    private static Fault json(String text) {
        return Fault.fromJson((Map<String, Object>) JsonReader.parse(text), () -> "f1");
    }

    @Test
    void specs() {
        assertEquals(new Fault("f1", Fault.Kind.LATENCY, Fault.Direction.BOTH, 200_000_000L, 50_000_000L, 1.0),
                parse("latency=200ms,jitter=50ms"));
        assertEquals(new Fault("slow", Fault.Kind.BANDWIDTH, Fault.Direction.DOWNSTREAM, 65_536, 0, 0.5),
                parse("downstream:bandwidth=64K,probability=0.5,name=slow"));
        assertEquals(new Fault("f1", Fault.Kind.BANDWIDTH, Fault.Direction.UPSTREAM, 1 << 20, 0, 1.0), parse("upstream:bandwidth=1M/s"));
        assertEquals(new Fault("f1", Fault.Kind.SLICE, Fault.Direction.BOTH, 10, Fault.DEFAULT_SLICE_DELAY_NANOS, 1.0), parse("slice=10"));
        assertEquals(new Fault("f1", Fault.Kind.RESET_AFTER, Fault.Direction.BOTH, 0, 0, 1.0), parse("reset-after=0"));
        assertEquals(new Fault("f1", Fault.Kind.TIMEOUT, Fault.Direction.BOTH, 0, 0, 1.0), parse("timeout"));
        assertEquals(new Fault("f1", Fault.Kind.TIMEOUT, Fault.Direction.UPSTREAM, 5000, 0, 1.0), parse(" upstream : timeout = 5s "));
        assertEquals(new Fault("f1", Fault.Kind.CLOSE_AFTER, Fault.Direction.BOTH, 10_240, 0, 1.0), parse("close-after=10K"));
    }

    @Test
    void specsRoundTripThroughTheirOwnText() {
        for (String spec : List.of("latency=200ms,jitter=50ms", "downstream:bandwidth=64K,probability=0.5", "slice=10,delay=5ms",
                "upstream:timeout=5s", "timeout", "reset-after=1M", "close-after=100")) {
            Fault f = parse(spec);
            assertEquals(f, parse(f.spec()), spec + " -> " + f.spec());
        }
    }

    @Test
    void jsonObjectsSayTheSame() {
        assertEquals(parse("downstream:latency=200ms,jitter=50ms,probability=0.25,name=slow"),
                json("{\"latency\":\"200ms\",\"jitter\":\"50ms\",\"direction\":\"downstream\",\"probability\":0.25,\"name\":\"slow\"}"));
        assertEquals(parse("timeout"), json("{\"timeout\": true}"));
        assertEquals(parse("reset-after=1024"), json("{\"reset-after\": 1024}"));
        assertEquals(parse("bandwidth=64K"), json("{\"bandwidth\": \"64K\", \"direction\": \"both\"}"));
        Fault shown = parse("downstream:latency=200ms,name=slow");
        assertEquals(shown, json(shown.json().toString()), "GET /faults shows what POST takes");
    }

    @Test
    void mistakesSayWhatIsWrong() {
        Map<String, String> cases = Map.of(
                "latency", "latency needs a duration",
                "latency=1s,bandwidth=1M", "one kind per fault",
                "sideways:latency=1s", "direction must be upstream, downstream or both",
                "probability=0.5", "no kind",
                "latency=1s,probability=1.5", "probability must be 0 to 1",
                "bandwidth=0", "at least 1 byte/s",
                "slice=5,jitter=1ms", "jitter goes with latency",
                "latency=1s,delay=1ms", "delay goes with slice",
                "latency=1s,name=a b", "a name is 1 to 64",
                "latency=1s,colour=red", "unknown key 'colour'");
        cases.forEach((spec, why) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(spec), spec);
            assertTrue(e.getMessage().contains(why), spec + ": " + e.getMessage());
        });
    }
}
