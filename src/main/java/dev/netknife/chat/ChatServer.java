package dev.netknife.chat;

import dev.netknife.io.Conn;
import dev.netknife.io.Durations;
import dev.netknife.io.Endpoint;
import dev.netknife.io.Rate;
import dev.netknife.io.TokenBucket;
import dev.netknife.term.Sanitizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A line chat room over plain TCP (nc, telnet and nk connect work as clients). The first line a
 * client sends is its nickname (or {@code /nick NAME}); then each line is broadcast to everyone
 * else as {@code <nick> text}, in the order the sender sent them. Commands start with a slash.
 * Every relayed line is UTF-8 with control characters and escape sequences removed.
 */
public final class ChatServer {

    /**
     * {@code rate} null = no limit; {@code history} 0 = none; {@code maxClients} 0 = no limit. A sender
     * waits while a member has more than half of {@code maxQueueBytes} queued; a member that takes
     * nothing for {@code stallGrace} meanwhile is dropped.
     */
    public record Config(int maxLine, Rate rate, int history, int maxClients, long maxQueueBytes, Duration stallGrace) {
        public static final int DEFAULT_MAX_LINE = 4096;
        public static final long DEFAULT_MAX_QUEUE_BYTES = 1 << 20;
        public static final Duration DEFAULT_STALL_GRACE = Duration.ofSeconds(2);

        public Config(int maxLine, Rate rate, int history, int maxClients) {
            this(maxLine, rate, history, maxClients, DEFAULT_MAX_QUEUE_BYTES, DEFAULT_STALL_GRACE);
        }
    }

    /** What happened, for logs: join, leave, rename, message, action, private, kick, reject. */
    public record Event(String type, String nick, String detail, String client) {
    }

    @FunctionalInterface
    public interface Events {
        void event(Event event);
    }

    private static final Pattern NICK = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final String HELP = """
            * commands: /nick NAME (rename), /me ACTION, /who (who is here), /msg NICK TEXT (private), /quit, /help
            """;

    private final Config config;
    private final Events events;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final ArrayDeque<byte[]> history = new ArrayDeque<>();
    private final AtomicInteger connected = new AtomicInteger();
    private volatile boolean closing;

    public ChatServer(Config config, Events events) {
        this.config = config;
        this.events = events;
    }

    public int members() {
        return members.size();
    }

    /** Serves one client until it quits or goes away (the io.Server handler; runs on the client's own thread). */
    public void serve(Conn conn) throws IOException {
        String address = Endpoint.format(conn.remoteAddress());
        Member member = new Member(conn, address, config.maxQueueBytes());
        try {
            if (connected.incrementAndGet() > config.maxClients() && config.maxClients() > 0) {
                member.offer(line("* the server is full (" + config.maxClients() + " clients); try again later"));
                events.event(new Event("reject", null, "full", address));
                return;
            }
            LineInput in = new LineInput(new BufferedInputStream(conn.in(), 4096), config.maxLine());
            member.offer(line("* welcome to nk chat; send your nickname (letters, digits, - or _)"));
            if (config.rate() != null) { // nk's client paces itself under it
                member.offer(line("* at most " + config.rate() + " messages per client; over it a warning, then a disconnect"));
            }
            if (!chooseNick(member, in)) {
                return;
            }
            chat(member, in);
        } finally {
            connected.decrementAndGet();
            String nick = member.nick();
            if (nick != null && members.remove(key(nick), member)) {
                broadcast(null, line("* " + nick + " left"));
                events.event(new Event("leave", nick, null, address));
            }
            member.finish();
            try {
                member.awaitWriter();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean chooseNick(Member member, LineInput in) throws IOException {
        while (true) {
            String text = in.next(member);
            if (text == null || closing) {
                return false;
            }
            String wanted = text.startsWith("/nick ") ? text.substring(6).strip() : text.strip();
            if (wanted.equals("/quit")) {
                return false;
            }
            String problem = nickProblem(wanted);
            if (problem == null) {
                member.nick(wanted);
                if (members.putIfAbsent(key(wanted), member) == null) {
                    break;
                }
                member.nick(null);
                problem = "the nickname " + wanted + " is taken";
            }
            member.offer(line("* " + problem + "; send another"));
        }
        String nick = member.nick();
        synchronized (history) {
            for (byte[] past : history) {
                member.offer(past);
            }
        }
        member.offer(line("* you are " + nick + "; " + (members.size() - 1) + " other(s) here; /help lists the commands"));
        broadcast(member, line("* " + nick + " joined"));
        events.event(new Event("join", nick, null, member.address));
        return true;
    }

    private void chat(Member member, LineInput in) throws IOException {
        TokenBucket bucket = config.rate() == null ? null : new TokenBucket(config.rate(), System.nanoTime());
        boolean warned = false;
        for (String text = in.next(member); text != null && !closing; text = in.next(member)) {
            if (text.isEmpty()) {
                continue;
            }
            if (bucket != null) {
                long now = System.nanoTime();
                if (!bucket.tryAcquire(now)) {
                    if (warned) {
                        member.offer(line("* disconnected: more than " + config.rate() + " messages"));
                        events.event(new Event("kick", member.nick(), "rate", member.address));
                        return;
                    }
                    warned = true;
                    member.offer(line("* slow down: at most " + config.rate() + "; that message was dropped, the next one over disconnects you"));
                    continue;
                }
                if (warned && bucket.isFull(now)) {
                    warned = false;
                }
            }
            if (text.startsWith("/")) {
                if (!command(member, text)) {
                    return;
                }
                continue;
            }
            say(member, "<" + member.nick() + "> " + text, "message", text);
        }
    }

    /** Runs a command; false for /quit. */
    private boolean command(Member member, String text) {
        int space = text.indexOf(' ');
        String name = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        String rest = space < 0 ? "" : text.substring(space + 1).strip();
        switch (name) {
            case "/quit" -> {
                member.offer(line("* bye"));
                return false;
            }
            case "/help" -> member.offer(HELP.getBytes(StandardCharsets.UTF_8));
            case "/me" -> {
                if (rest.isEmpty()) {
                    member.offer(line("* usage: /me ACTION"));
                } else {
                    say(member, "* " + member.nick() + " " + rest, "action", rest);
                }
            }
            case "/who" -> {
                TreeMap<String, String> sorted = new TreeMap<>();
                for (Member m : members.values()) {
                    sorted.put(key(m.nick()), m.nick());
                }
                member.offer(line("* here (" + sorted.size() + "): " + String.join(", ", sorted.values())));
            }
            case "/nick" -> rename(member, rest);
            case "/msg" -> {
                int gap = rest.indexOf(' ');
                String to = gap < 0 ? rest : rest.substring(0, gap);
                String message = gap < 0 ? "" : rest.substring(gap + 1).strip();
                Member target = members.get(key(to));
                if (to.isEmpty() || message.isEmpty()) {
                    member.offer(line("* usage: /msg NICK TEXT"));
                } else if (target == null) {
                    member.offer(line("* no one called " + to + " is here"));
                } else {
                    deliverPaced(target, line("[private] <" + member.nick() + "> " + message));
                    member.offer(line("-> <" + target.nick() + "> " + message));
                    events.event(new Event("private", member.nick(), target.nick(), member.address));
                }
            }
            default -> member.offer(line("* unknown command " + name + " (try /help)"));
        }
        return true;
    }

    private void rename(Member member, String wanted) {
        String problem = nickProblem(wanted);
        String old = member.nick();
        if (problem == null && !key(wanted).equals(key(old))) {
            if (members.putIfAbsent(key(wanted), member) != null) {
                problem = "the nickname " + wanted + " is taken";
            } else {
                members.remove(key(old), member);
            }
        }
        if (problem != null) {
            member.offer(line("* " + problem));
            return;
        }
        member.nick(wanted);
        broadcast(null, line("* " + old + " is now " + wanted));
        events.event(new Event("rename", wanted, old, member.address));
    }

    private void say(Member from, String text, String type, String logged) {
        byte[] bytes = line(text);
        if (config.history() > 0) {
            synchronized (history) {
                history.addLast(bytes);
                while (history.size() > config.history()) {
                    history.removeFirst();
                }
            }
        }
        for (Member m : members.values()) {
            if (m != from) {
                deliverPaced(m, bytes);
            }
        }
        events.event(new Event(type, from.nick(), logged, from.address));
    }

    /**
     * Delivers a member's message, first waiting (so the sender's thread stops reading it) while
     * {@code to} is far behind but still taking lines; drops {@code to} when it stays stalled.
     */
    private void deliverPaced(Member to, byte[] bytes) {
        long highWater = config.maxQueueBytes() / 2;
        try {
            if (!closing && !to.awaitRoom(highWater, config.stallGrace().toNanos())) {
                kick(to, "stalled: took nothing for " + Durations.format(config.stallGrace().toMillis()) + " with " + to.queued() + " bytes queued");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        deliver(to, bytes);
    }

    /** Queues {@code bytes} for every member but {@code except}; members whose queue is full are dropped. */
    private void broadcast(Member except, byte[] bytes) {
        for (Member m : members.values()) {
            if (m != except) {
                deliver(m, bytes);
            }
        }
    }

    private void deliver(Member m, byte[] bytes) {
        if (!m.offer(bytes)) {
            kick(m, "too slow: " + config.maxQueueBytes() + " bytes queued");
        }
    }

    private void kick(Member m, String reason) {
        if (m.drop()) { // its reader thread ends, announces the leave and cleans up
            events.event(new Event("kick", m.nick(), reason, m.address));
        }
    }

    /** Tells everyone the server is going away (before the listener and connections close). */
    public void shutdown(String notice) {
        closing = true;
        broadcast(null, line("* " + notice));
        List<Member> all = new ArrayList<>(members.values());
        for (Member m : all) {
            m.finish();
        }
        for (Member m : all) {
            try {
                m.awaitWriter();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String nickProblem(String nick) {
        return NICK.matcher(nick).matches() ? null : "nicknames are 1 to 32 letters, digits, - or _";
    }

    private static String key(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }

    static byte[] line(String text) {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Lines from a client: at most maxLine bytes, UTF-8, stripped; bad ones are refused with a notice to the sender. */
    private static final class LineInput {
        private final InputStream in;
        private final byte[] buffer;

        LineInput(InputStream in, int maxLine) {
            this.in = in;
            this.buffer = new byte[maxLine];
        }

        /** The next acceptable line; null at the end of the stream. */
        String next(Member member) throws IOException {
            while (true) {
                int length = 0;
                boolean tooLong = false;
                int b;
                while ((b = in.read()) >= 0 && b != '\n') {
                    if (length < buffer.length) {
                        buffer[length++] = (byte) b;
                    } else {
                        tooLong = true;
                    }
                }
                if (b < 0 && length == 0) {
                    return null;
                }
                if (tooLong) {
                    member.offer(line("* that line is longer than " + buffer.length + " bytes; not sent"));
                    continue;
                }
                if (length > 0 && buffer[length - 1] == '\r') {
                    length--;
                }
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buffer, 0, length)).toString();
                } catch (CharacterCodingException e) {
                    member.offer(line("* that line is not UTF-8; not sent"));
                    continue;
                }
                return Sanitizer.strip(text).strip();
            }
        }
    }
}
