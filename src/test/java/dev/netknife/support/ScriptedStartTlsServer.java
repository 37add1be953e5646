package dev.netknife.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A hand-written STARTTLS server for one client at a time: a script of lines to send and to read,
 * then (when the script says so) TLS over the same socket with a test certificate, after which it
 * echoes lines back until the client closes. Everything the client sent in plaintext is kept for the test.
 */
public final class ScriptedStartTlsServer implements AutoCloseable {

    /** The server's side of one conversation. */
    @FunctionalInterface
    public interface Script {
        void run(Conversation c) throws Exception;
    }

    private final ServerSocket server;
    private final SSLContext tls;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> tlsReceived = new CopyOnWriteArrayList<>();

    public ScriptedStartTlsServer(SSLContext tls, Script script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.tls = tls;
        Accept.each(server, 10_000, client -> script.run(new Conversation(client)));
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The plaintext lines the clients sent, in order, without their line ends. */
    public List<String> received() {
        return received;
    }

    /** The lines clients sent inside TLS. */
    public List<String> tlsReceived() {
        return tlsReceived;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** One client's connection as the script sees it. */
    public final class Conversation {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Conversation(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Sends {@code text} as it is (give the line ends). */
        public Conversation send(String text) throws IOException {
            return send(text.getBytes(StandardCharsets.UTF_8));
        }

        public Conversation send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            return this;
        }

        /** Reads one line (LF-terminated, CR stripped) and keeps it; null at the end of the stream. */
        public String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    return null;
                }
                line.write(b);
            }
            String text = line.toString(StandardCharsets.UTF_8);
            text = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            received.add(text);
            return text;
        }

        /** Reads exactly {@code n} bytes. */
        public byte[] bytes(int n) throws IOException {
            return in.readNBytes(n);
        }

        /** Reads until {@code marker} has been read (XML streams have no line ends); what was read. */
        public String until(String marker) throws IOException {
            StringBuilder text = new StringBuilder();
            int b;
            while (!text.toString().endsWith(marker) && (b = in.read()) >= 0) {
                text.append((char) b);
            }
            received.add(text.toString());
            return text.toString();
        }

        /** TLS from here on, as the server; then every line received is echoed back as {@code echo: LINE} until the client closes. */
        public void tls() throws IOException {
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, false);
            ssl.setUseClientMode(false);
            ssl.startHandshake();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            InputStream tlsIn = ssl.getInputStream();
            OutputStream tlsOut = ssl.getOutputStream();
            int b;
            while ((b = tlsIn.read()) >= 0) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                String text = line.toString(StandardCharsets.UTF_8).strip();
                line.reset();
                tlsReceived.add(text);
                tlsOut.write(("echo: " + text + "\r\n").getBytes(StandardCharsets.UTF_8));
                tlsOut.flush();
            }
        }
    }
}
