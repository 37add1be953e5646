package dev.netknife.capture;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Wiretap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A command's capture (--pcap FILE): one pcapng file, an interface per side nk sees (a balancer's
 * clients and backends are two), and the TLS secrets of every handshake so tshark decrypts by itself.
 */
public final class Capture implements AutoCloseable {
    private final CaptureFile file;
    private final CaptureClock clock = new CaptureClock();
    private final Consumer<String> notices;
    private final Map<String, TapInterface> interfaces = new LinkedHashMap<>();
    private boolean toldUnaddressable;

    private Capture(CaptureFile file, Consumer<String> notices) {
        this.file = file;
        this.notices = notices;
    }

    /**
     * Creates {@code path} (emptying it when it exists); {@code maxBytes} 0: unbounded, else the file
     * stops there ({@code keepOlder} 0) or rotates keeping {@code keepOlder} older files. {@code notices}
     * hears, once each, that the bound was reached and what could not be captured.
     */
    public static Capture open(Path path, long maxBytes, int keepOlder, String application, Consumer<String> notices) {
        try {
            return new Capture(CaptureFile.create(path, new CaptureFile.Bound(maxBytes, keepOlder), application, notices), notices);
        } catch (IOException e) {
            throw new NkException(ExitCode.FAILURE, null, "cannot write the capture " + path + ": " + e.getMessage(), e);
        }
    }

    /** The interface named {@code name}, added on first use. */
    public synchronized Wiretap tap(String name, String description) {
        return interfaces.computeIfAbsent(name, n -> new TapInterface(file, file.addInterface(n, description), clock, this::unaddressable));
    }

    /** NSS key log lines (whole lines, each ending in a newline), written as a Decryption Secrets Block. */
    public void secrets(String keyLogLines) {
        file.secrets(keyLogLines.getBytes(StandardCharsets.US_ASCII));
    }

    private synchronized void unaddressable(String what) {
        if (!toldUnaddressable) {
            toldUnaddressable = true;
            notices.accept("warning: --pcap: " + what);
        }
    }

    @Override
    public void close() {
        file.close();
    }
}
