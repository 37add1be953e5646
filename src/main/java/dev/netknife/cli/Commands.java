package dev.netknife.cli;

import java.util.List;
import java.util.function.Supplier;

/** The subcommands nk knows, in the order of {@code nk --help}; each is built only when needed. */
public final class Commands {

    /** A subcommand's name, its one-line summary and how to make it. */
    public record Entry(String name, String summary, Supplier<NkCommand> factory) {
    }

    private static final List<Entry> ALL = List.of(
            new Entry(EchoServerCommand.NAME, EchoServerCommand.SUMMARY, EchoServerCommand::new),
            new Entry(ConnectCommand.NAME, ConnectCommand.SUMMARY, ConnectCommand::new),
            new Entry(UdpCommand.NAME, UdpCommand.SUMMARY, UdpCommand::new),
            new Entry(WsCommand.NAME, WsCommand.SUMMARY, WsCommand::new),
            new Entry(ChatCommand.NAME, ChatCommand.SUMMARY, ChatCommand::new),
            new Entry(BalanceCommand.NAME, BalanceCommand.SUMMARY, BalanceCommand::new),
            new Entry(MonitorCommand.NAME, MonitorCommand.SUMMARY, MonitorCommand::new),
            new Entry(HttpGetCommand.NAME, HttpGetCommand.SUMMARY, HttpGetCommand::new),
            new Entry(TlsGetCommand.NAME, TlsGetCommand.SUMMARY, TlsGetCommand::new));

    private Commands() {
    }

    public static List<Entry> all() {
        return ALL;
    }

    public static Entry find(String name) {
        for (Entry entry : ALL) {
            if (entry.name().equals(name)) {
                return entry;
            }
        }
        return null;
    }
}
