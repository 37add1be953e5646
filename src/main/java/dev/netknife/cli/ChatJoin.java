package dev.netknife.cli;

import dev.netknife.chat.ChatClient;
import dev.netknife.io.Conn;
import dev.netknife.io.DialOptions;
import dev.netknife.io.Dialer;
import dev.netknife.io.Endpoint;
import dev.netknife.io.ShutdownHooks;
import dev.netknife.term.JsonResult;
import dev.netknife.term.LineEditor;
import dev.netknife.term.Sanitizer;
import dev.netknife.term.Stty;
import dev.netknife.term.Style;
import dev.netknife.tls.TlsClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * {@code nk chat HOST PORT}: joins a chat server ({@link ChatClient}). In a script it is plain lines in and lines out.
 * On a terminal it edits the line being typed itself (the terminal in non-canonical mode via stty),
 * so incoming lines are printed above the prompt instead of through what is being typed, with
 * nicknames in stable colours.
 */
final class ChatJoin {
    private final Args args;
    private final Invocation inv;

    ChatJoin(Args args, Invocation inv) {
        this.args = args;
        this.inv = inv;
    }

    int run() throws Exception {
        Endpoint target = Endpoint.of(args.positional(0), args.positional(1));
        inv.target(target.toString());
        String nick = ChatClient.nick(args.string("--nick"), inv.env().get("USER"));
        DialOptions dial = DialArgs.options(args, inv);
        TlsClient tls = TlsOptions.clientIfAsked(args, inv, dial.connectTimeoutMillis());
        Conn conn = TlsClient.dial(new Dialer(dial), target, tls);
        try {
            inv.timings(conn.timings());
            Terminal terminal = inv.ttys().stdin() && inv.ttys().stdout() ? Terminal.enter() : null;
            try {
                LineEditor editor = terminal == null ? null : new LineEditor(inv.in(), inv.out(), "> ");
                ChatClient.Input input = editor != null ? editor::readLine
                        : new BufferedReader(new InputStreamReader(inv.in(), StandardCharsets.UTF_8))::readLine;
                ChatClient.run(conn, target.toString(), nick, input, shower(editor));
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

    /**
     * Shows each line the server sent: cleaned, coloured, with --timestamps the time; on a terminal above the
     * prompt, with the user's own lines too (the server sends them to the others only).
     */
    private ChatClient.Listener shower(LineEditor editor) {
        Style style = inv.style();
        DateTimeFormatter clock = args.flag("--timestamps") ? DateTimeFormatter.ofPattern("HH:mm:ss") : null;
        return new ChatClient.Listener() {
            @Override
            public void line(String line) {
                if (inv.json()) { // every stdout line is JSON: each server line is an event
                    inv.json(JsonResult.event(inv.command(), "line").put("text", Sanitizer.clean(line)));
                    return;
                }
                show((clock != null ? "[" + LocalTime.now().format(clock) + "] " : "") + render(Sanitizer.clean(line), style));
            }

            @Override
            public void sent(String nick, String line) {
                String own = editor == null ? null : ownLine(nick, line);
                if (own != null) {
                    show((clock != null ? "[" + LocalTime.now().format(clock) + "] " : "") + render(Sanitizer.clean(own), style));
                }
            }

            private void show(String shown) {
                if (editor != null) {
                    editor.printAbove(shown);
                } else {
                    inv.data(shown);
                }
            }
        };
    }

    /** How the others see a line the user sent: {@code <nick> text}, {@code * nick action} for /me; null for other commands and blank lines. */
    static String ownLine(String nick, String line) {
        String text = line.strip();
        if (text.isEmpty()) {
            return null;
        }
        if (text.startsWith("/me ") && text.length() > 4) {
            return "* " + nick + " " + text.substring(4).strip();
        }
        return text.startsWith("/") ? null : "<" + nick + "> " + text;
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
            this.restoreOnExit = new Thread(() -> Stty.run(saved), "nk-chat-tty");
            ShutdownHooks.add(restoreOnExit); // Ctrl-C still works (isig stays on)
        }

        static Terminal enter() {
            String saved = Stty.run("-g");
            if (saved == null || Stty.run("-icanon", "-echo", "min", "1") == null) {
                return null;
            }
            return new Terminal(saved.strip());
        }

        void restore() {
            Stty.run(saved);
            ShutdownHooks.remove(restoreOnExit);
        }

    }
}
