package dev.netknife.chat;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Conn;
import dev.netknife.io.Rate;
import dev.netknife.term.Sanitizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A chat client's connection. It sends the nickname and waits for the server's answer before any line
 * of input goes out, so a refused nickname fails (exit 7) instead of taking input lines as new tries.
 * Then each input line goes to the server, paced under the rate the server announced, while a virtual
 * thread hands each line the server sends to a listener. When the input ends the client half-closes,
 * so the server's goodbye still arrives. A peer that is not a chat server (an HTTP or TLS port, one that
 * closes without a word) is exit 6; a kick, a dropped message or a server that closes first fail too:
 * a script never loses a line with exit 0.
 */
public final class ChatClient {
    /** How long a server may stay silent before nk takes it for a chat server that does not greet (ncat --chat). */
    static final long GREETING_WAIT_MILLIS = 2_000;

    /** When the server closes, how long the input may take to show it was at its end (nothing unsent) before that counts as lost. */
    private static final long INPUT_END_GRACE_MILLIS = 200;

    private static final String NK_WELCOME = "* welcome to nk chat";
    private static final Pattern RATE = Pattern.compile("^\\* at most (\\d+/(?:s|m|h)) messages");
    private static final Pattern RENAME = Pattern.compile("^\\* (\\S+) is now (\\S+)$");

    /** The lines to send; null at the end. */
    @FunctionalInterface
    public interface Input {
        String readLine() throws IOException;
    }

    /** Gets each line the server sent, as sent (the caller cleans it before showing it), on the reading thread. */
    public interface Listener {
        void line(String line);

        /** A line of input went to the server under {@code nick} (for a terminal to show it, as chat clients do). */
        default void sent(String nick, String line) {
        }
    }

    /** How the greeting went. */
    private sealed interface Greeting {
    }

    private record Joined() implements Greeting {
    }

    private record Refused(String problem) implements Greeting {
    }

    private record NotChat(String why) implements Greeting {
    }

    private final Conn conn;
    private final String target;
    private final Listener listener;
    private final OutputStream toServer;
    private final CompletableFuture<Greeting> greeting = new CompletableFuture<>();
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile String nick;
    private volatile boolean nkServer;
    private volatile Rate rate;
    private volatile String kicked;
    private volatile String lastNotice;
    private volatile String notChat;
    private volatile boolean inputEnded;
    private volatile boolean sentAfterClose;
    private volatile boolean quitSent;

    private ChatClient(Conn conn, String target, String nick, Listener listener) {
        this.conn = conn;
        this.target = target;
        this.nick = nick;
        this.listener = listener;
        this.toServer = conn.out();
    }

    /** Runs until the server closes, or the input ended and the server closed after it; {@code target} names the server in errors. */
    public static void run(Conn conn, String target, String nick, Input input, Listener listener) throws IOException, InterruptedException {
        new ChatClient(conn, target, nick, listener).run(input);
    }

    private void run(Input input) throws IOException, InterruptedException {
        send(nick);
        Thread reader = Thread.ofVirtual().name("nk-chat-read").start(this::receive);
        switch (awaitGreeting()) {
            case Refused r -> throw new NkException(ExitCode.ASSERTION, null, "the server refused the nickname " + nick + ": " + r.problem(), null);
            case NotChat n -> throw notAChatServer(n.why());
            case Joined j -> {
            }
        }
        Thread sender = Thread.ofVirtual().name("nk-chat-send").start(() -> sendAll(input, reader));
        reader.join(); // the server closed: at once, even while the input waits for a line
        if (!inputEnded) {
            sender.join(INPUT_END_GRACE_MILLIS); // input already at its end (an empty pipe) is not a lost line
        }
        boolean inputWasOver = inputEnded && !sentAfterClose || quitSent;
        sender.interrupt();
        if (notChat != null) {
            throw notAChatServer(notChat);
        }
        if (kicked != null) {
            throw new NkException(ExitCode.FAILURE, null, "the server disconnected nk: " + kicked, null);
        }
        if (dropped.get() > 0) {
            throw new NkException(ExitCode.FAILURE, null, "the server dropped " + dropped.get()
                    + (dropped.get() == 1 ? " message" : " messages") + " over its rate limit", null);
        }
        if (!inputWasOver) {
            throw new NkException(ExitCode.PROTOCOL, null, "the server closed the connection"
                    + (lastNotice == null ? "" : " (" + lastNotice + ")"), null);
        }
    }

    /** The greeting's outcome; a server silent for {@link #GREETING_WAIT_MILLIS} is taken for one that does not greet. */
    private Greeting awaitGreeting() throws InterruptedException {
        try {
            return greeting.get(GREETING_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (!nkServer) {
                return new Joined();
            }
            try {
                return greeting.get(); // nk's server greeted: its answer to the nickname comes, or the connection ends
            } catch (ExecutionException cannot) {
                throw new IllegalStateException(cannot);
            }
        } catch (ExecutionException cannot) {
            throw new IllegalStateException(cannot);
        }
    }

    private void sendAll(Input input, Thread reader) {
        try {
            Pacer pacer = null;
            for (String line = input.readLine(); line != null; line = input.readLine()) {
                if (!line.isBlank()) {
                    Rate announced = rate;
                    if (pacer == null && announced != null) {
                        pacer = new Pacer(announced);
                    }
                    if (pacer != null) {
                        pacer.await();
                    }
                }
                if (!reader.isAlive()) {
                    return; // the server closed while this line was read: it stays unsent, and the run fails
                }
                send(line);
                if (!reader.isAlive()) {
                    sentAfterClose = true; // it may have reached a closed connection
                }
                listener.sent(nick, line);
                if (line.strip().toLowerCase(Locale.ROOT).equals("/quit")) {
                    quitSent = true;
                }
            }
            inputEnded = true; // before the half-close: the server's close that follows is the expected one
            if (reader.isAlive()) {
                conn.closeWrite(); // the server says goodbye and closes; what it still sends is delivered
            }
        } catch (IOException e) {
            // the connection broke: the reader ends too, and the outcome says why
        } catch (InterruptedException e) {
            // the server closed first
        }
    }

    private void send(String line) throws IOException {
        toServer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        toServer.flush();
    }

    private void receive() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(conn.in(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!greeting.isDone() && !greet(line)) {
                    return;
                }
                watch(line);
                listener.line(line);
            }
            if (!greeting.isDone()) {
                greeting.complete(nkServer ? new NotChat("it closed the connection before answering the nickname"
                        + (lastNotice == null ? "" : " (" + lastNotice + ")"))
                        : new NotChat("it closed the connection without a word (a TLS server? try --tls)"));
            }
        } catch (IOException e) {
            greeting.complete(new NotChat("the connection broke: " + e.getMessage()));
        } finally {
            greeting.complete(new NotChat("the connection ended")); // whatever ended the reader, the greeting's wait ends too
        }
    }

    /** A line that came before the answer to the nickname; false when it ends the run (a refusal, not a chat server). */
    private boolean greet(String line) {
        if (!nkServer && !line.startsWith(NK_WELCOME)) {
            String why = notChatLine(line);
            if (why != null) {
                notChat = why;
                greeting.complete(new NotChat(why));
                return false;
            }
            greeting.complete(new Joined()); // a chat server of another kind: its lines are chat
            return true;
        }
        nkServer = true;
        if (line.startsWith("* you are ")) {
            greeting.complete(new Joined());
        } else if (line.startsWith("* ") && line.endsWith("; send another")) {
            greeting.complete(new Refused(line.substring(2, line.length() - "; send another".length())));
            return false;
        }
        return true;
    }

    /** Why the first line shows a peer that is not a chat server, or null. */
    private static String notChatLine(String line) {
        if (line.startsWith("HTTP/")) {
            return "it answered like an HTTP server: '" + Sanitizer.clean(abbreviate(line)) + "'";
        }
        if (line.startsWith("SSH-")) {
            return "it is an SSH server: '" + Sanitizer.clean(abbreviate(line)) + "'";
        }
        boolean tlsRecord = line.length() >= 2 && line.charAt(0) >= 0x14 && line.charAt(0) <= 0x17 && line.charAt(1) == 0x03;
        if (tlsRecord || line.indexOf('\0') >= 0) { // escape sequences are text (a hostile server's, cleaned when shown); NUL is not
            return "it answered with binary data (a TLS server? try --tls)";
        }
        return null;
    }

    /** Notes what the server says about this client: its rate, a rename, a dropped message, a kick. */
    private void watch(String line) {
        if (!line.startsWith("* ")) {
            return;
        }
        lastNotice = Sanitizer.clean(abbreviate(line));
        Matcher m = RATE.matcher(line);
        if (m.find()) {
            try {
                rate = Rate.parse(m.group(1));
            } catch (RuntimeException ignored) {
                // not a rate nk knows: no pacing
            }
        } else if (line.startsWith("* slow down")) {
            dropped.incrementAndGet();
        } else if (line.startsWith("* disconnected: ")) {
            kicked = Sanitizer.clean(abbreviate(line.substring("* disconnected: ".length())));
        } else if ((m = RENAME.matcher(line)).matches() && m.group(1).equals(nick)) {
            nick = m.group(2);
        }
    }

    private NkException notAChatServer(String why) {
        return new NkException(ExitCode.PROTOCOL, null, target + " is not a chat server: " + why, null);
    }

    private static String abbreviate(String text) {
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    /** One line at a time, a little under the announced rate, so the server never drops one. */
    private static final class Pacer {
        private final long intervalNanos;
        private long next = System.nanoTime();

        Pacer(Rate rate) {
            this.intervalNanos = (long) (rate.periodMillis() * 1_000_000.0 / rate.permits() * 1.05);
        }

        void await() throws InterruptedException {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            next = Math.max(next, System.nanoTime()) + intervalNanos;
        }
    }

    /**
     * The nickname to send: {@code option} as given (a usage error unless the server would take it), or else
     * {@code user} ($USER) made into one (other characters become _), or guest.
     */
    public static String nick(String option, String user) {
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
}
