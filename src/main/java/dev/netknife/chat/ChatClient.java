package dev.netknife.chat;

import dev.netknife.NkException;
import dev.netknife.io.Conn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A chat client's connection: the nickname first, then each line of input to the server, while a
 * virtual thread hands each line the server sends to a listener. When the input ends the client
 * half-closes, so the server's goodbye (and whatever it still sends) still arrives.
 */
public final class ChatClient {
    private ChatClient() {
    }

    /** The lines to send; null at the end. */
    @FunctionalInterface
    public interface Input {
        String readLine() throws IOException;
    }

    /** Gets each line the server sent, as sent (the caller cleans it before showing it), on the reading thread. */
    @FunctionalInterface
    public interface Listener {
        void line(String line);
    }

    /** Runs until the server closes, or the input ended and the server closed after it. */
    public static void run(Conn conn, String nick, Input input, Listener listener) throws IOException, InterruptedException {
        OutputStream toServer = conn.out();
        send(toServer, nick);
        Thread reader = Thread.ofVirtual().name("nk-chat-read").start(() -> receive(conn, listener));
        for (String line = input.readLine(); line != null && reader.isAlive(); line = input.readLine()) {
            send(toServer, line);
        }
        if (reader.isAlive()) {
            conn.closeWrite(); // the server says goodbye and closes; what it still sends is delivered
        }
        reader.join();
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void receive(Conn conn, Listener listener) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(conn.in(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                listener.line(line);
            }
        } catch (IOException e) {
            // the connection ended; the sending side notices the reader is done
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
