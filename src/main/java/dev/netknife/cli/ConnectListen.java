package dev.netknife.cli;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import dev.netknife.io.Broadcast;
import dev.netknife.io.BufferPool;
import dev.netknife.io.Conn;
import dev.netknife.io.Endpoint;
import dev.netknife.io.Ports;
import dev.netknife.io.Relay;
import dev.netknife.io.Server;
import dev.netknife.io.SingleAccept;
import dev.netknife.io.StreamConn;
import dev.netknife.term.HexDump;
import dev.netknife.tls.TlsServer;
import java.net.InetAddress;

/**
 * {@code connect -l}: listen for one client and relay it like a client connection; with {@code -k}
 * keep listening, every client's bytes to stdout and stdin to all of them. The bound address
 * goes to stderr, since stdout carries the received bytes.
 */
final class ConnectListen {
    private final Invocation inv;

    ConnectListen(Invocation inv) {
        this.inv = inv;
    }

    int run(Args args) throws Exception {
        if (args.flag("-z")) {
            throw NkException.usage("-z and -l exclude each other");
        }
        inv.jsonToStderr(); // stdout is what clients send
        java.nio.file.Path unix = DialArgs.unixSocket(args.string("--unix-socket"));
        if (unix != null && args.positional(0) != null) {
            throw NkException.usage("with -l give either a port or -U PATH");
        }
        String host = args.positional(1) == null ? null : args.positional(0);
        String portText = args.positional(1) == null ? args.positional(0) : args.positional(1);
        if (portText == null && unix == null) {
            portText = args.string("--local-port"); // nc -l -p PORT
        }
        if (portText == null && unix == null) {
            throw NkException.usage("connect -l needs the port to listen on: nk connect -l PORT");
        }
        int port = unix != null ? 0 : Ports.parse(portText);
        InetAddress bind = host != null ? args.bindAddress("HOST", host) : args.bindAddress("--bind", args.flag("-6") ? "::1" : "127.0.0.1");
        BufferPool pool = new BufferPool();
        TlsServer tls = TlsOptions.serverIfAsked(args, inv);
        StreamConn local = new StreamConn(inv.in(), inv.data());
        if (args.flag("-k")) {
            Broadcast broadcast = new Broadcast(local, pool, args.flag("--hex") ? new HexDump(inv.err(), '<') : null);
            Server.Handler handler = CaptureArgs.tap(inv).tap(tls == null ? broadcast.handler() : raw -> broadcast.handler().handle(tls.accept(raw)));
            Server.Config config = new Server.Config(bind, port, 0, args.millis("--idle-timeout", 0), null);
            Server server = unix == null ? Server.bind(config, handler, new EchoServerCommand.Log(inv, false))
                    : Server.bindUnix(unix, config, handler, new EchoServerCommand.Log(inv, false));
            inv.info("listening on " + ServerLifecycle.address(server.address()));
            Thread.ofVirtual().name("nk-stdin").start(broadcast::pumpLocalInput);
            return ServerLifecycle.serveWithoutAddress(server, inv); // stdout carries what clients send
        }
        java.util.function.Consumer<java.net.InetSocketAddress> listening = address -> inv.info("listening on " + ServerLifecycle.address(address));
        Conn accepted = CaptureArgs.tap(inv).tap(unix == null ? SingleAccept.accept(bind, port, listening)
                : SingleAccept.acceptUnix(unix, listening), false);
        Conn conn = tls == null ? accepted : tls.accept(accepted);
        inv.verboseInfo("connection from " + ServerLifecycle.address(conn.remoteAddress()));
        Endpoint peer = conn.remoteAddress().isUnresolved() ? new Endpoint("localhost", 0)
                : new Endpoint(Endpoint.text(conn.remoteAddress().getAddress()), conn.remoteAddress().getPort());
        Relay.Options options = ConnectCommand.relayOptions(args, inv);
        Relay.Result result = new Relay(pool).run(conn, local, options, peer);
        ExitCode code = Relay.exitCode(result, options);
        if (code != ExitCode.OK) {
            throw Relay.failure(code, options, peer);
        }
        return code.code();
    }
}
