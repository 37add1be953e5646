package dev.netknife.cli;

import dev.netknife.ExitSignals;
import dev.netknife.NkException;
import dev.netknife.io.Conn;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.Endpoint;
import dev.netknife.term.LineEditor;
import dev.netknife.term.Sanitizer;
import dev.netknife.term.Style;
import dev.netknife.tls.TlsClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * {@code nk chat HOST PORT}: joins a chat server. In a script it is plain lines in and lines out.
 * On a terminal it edits the line being typed itself (the terminal in non-canonical mode via stty),
 * so incoming lines are printed above the prompt instead of through what is being typed, with
 * nicknames in stable colours.
 */
final class ChatClient {
    private final Args args;
    private final Invocation inv;

    ChatClient(Args args, Invocation inv) {
        this.args = args;
        this.inv = inv;
    }

    int run() throws Exception {
        Endpoint target = Endpoint.of(args.positional(0), args.positional(1));
        inv.target(target.toString());
        String nick = nick(args.string("--nick"), inv.env().get("USER"));
        DialOptions dial = DialArgs.options(args);
        TlsClient tls = TlsOptions.clientIfAsked(args, inv, dial.connectTimeoutMillis());
        Conn conn = new Dialer(dial).dial(target);
        try {
            if (tls != null) {
                conn = tls.handshake(conn, target).conn();
            }
            inv.timings(conn.timings());
            OutputStream toServer = conn.out();
            send(toServer, nick);
            Terminal terminal = inv.ttys().stdin() && inv.ttys().stdout() ? Terminal.enter() : null;
            try {
                LineEditor editor = terminal == null ? null : new LineEditor(inv.in(), inv.out(), "> ");
                Conn connection = conn;
                Thread reader = Thread.ofVirtual().name("nk-chat-read").start(() -> receive(connection, editor));
                if (editor != null) {
                    for (String line = editor.readLine(); line != null && reader.isAlive(); line = editor.readLine()) {
                        send(toServer, line);
                    }
                } else {
                    BufferedReader stdin = new BufferedReader(new InputStreamReader(inv.in(), StandardCharsets.UTF_8));
                    for (String line = stdin.readLine(); line != null && reader.isAlive(); line = stdin.readLine()) {
                        send(toServer, line);
                    }
                }
                if (reader.isAlive()) {
                    conn.closeWrite(); // the server says goodbye and closes; what it still sends is printed
                }
                reader.join();
            } finally {
                if (terminal != null) {
                    terminal.restore();
                }
            }
            return 0;
        } finally {
            conn.close();
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void receive(Conn conn, LineEditor editor) {
        Style style = inv.style();
        boolean timestamps = args.flag("--timestamps");
        DateTimeFormatter clock = timestamps ? DateTimeFormatter.ofPattern("HH:mm:ss") : null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(conn.in(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String shown = (timestamps ? "[" + LocalTime.now().format(clock) + "] " : "") + render(Sanitizer.clean(line), style);
                if (editor != null) {
                    editor.printAbove(shown);
                } else {
                    inv.data(shown);
                }
            }
        } catch (IOException e) {
            // the connection ended; the main thread notices the reader is done
        }
    }

    /**
     * The nickname to send: {@code --nick} as given (a usage error unless the server would take it), or else
     * $USER made into one (other characters become _), or guest.
     */
    static String nick(String option, String user) {
        if (option != null) {
            if (option.isEmpty() || option.length() > 32 || !option.chars().allMatch(ChatClient::nickChar)) {
                throw NkException.usage("--nick: bad nickname '" + option + "': expected 1 to 32 letters, digits, - or _");
            }
            return option;
        }
        StringBuilder fromUser = new StringBuilder();
        for (int i = 0; user != null && i < user.length() && fromUser.length() < 32; i++) {
            fromUser.append(nickChar(user.charAt(i)) ? user.charAt(i) : '_');
        }
        return fromUser.isEmpty() ? "guest" : fromUser.toString();
    }

    /** What the server takes in a nickname: ASCII letters and digits, - and _. */
    private static boolean nickChar(int c) {
        return c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_');
    }

    /**
     * Colours a line the server sent (already {@linkplain Sanitizer#clean cleaned}): nicknames by name, notices in
     * yellow. A nickname is shown with its invisible characters escaped, whoever the server is.
     */
    static String render(String line, Style style) {
        String prefix = line.startsWith("[private] ") ? "[private] " : line.startsWith("-> ") ? "-> " : "";
        int start = prefix.length();
        int end = line.startsWith("<", start) ? line.indexOf('>', start) : -1;
        if (end > start) {
            String nick = Sanitizer.name(line.substring(start + 1, end));
            return style.color()
                    ? style.bold(prefix) + style.stable(nick.toLowerCase(java.util.Locale.ROOT), "<" + nick + ">") + line.substring(end + 1)
                    : prefix + "<" + nick + ">" + line.substring(end + 1);
        }
        return style.color() && line.startsWith("* ") ? style.yellow(line) : line;
    }

    /** The terminal in non-canonical, no-echo mode while the client runs (stty on /dev/tty), restored afterwards. */
    private static final class Terminal {
        private final String saved;
        private final Thread restoreOnExit;

        private Terminal(String saved) {
            this.saved = saved;
            this.restoreOnExit = new Thread(() -> stty(saved), "nk-chat-tty");
            ExitSignals.ensureInstalled();
            Runtime.getRuntime().addShutdownHook(restoreOnExit); // Ctrl-C still works (isig stays on)
        }

        static Terminal enter() {
            String saved = stty("-g");
            if (saved == null || stty("-icanon -echo min 1") == null) {
                return null;
            }
            return new Terminal(saved.strip());
        }

        void restore() {
            stty(saved);
            try {
                Runtime.getRuntime().removeShutdownHook(restoreOnExit);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs anyway
            }
        }

        private static String stty(String settings) {
            try {
                Process p = new ProcessBuilder("sh", "-c", "stty " + settings + " < /dev/tty").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return p.waitFor() == 0 ? out : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
