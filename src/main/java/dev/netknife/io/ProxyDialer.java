package dev.netknife.io;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The proxy half of {@link Dialer}: a tunnel to the target, a connection to a forward proxy, a SOCKS5 UDP association. */
final class ProxyDialer {
    private final Dialer dialer;
    private final DialOptions options;

    ProxyDialer(Dialer dialer) {
        this.dialer = dialer;
        this.options = dialer.options();
    }

    /**
     * Connects to the proxy (its DNS and connect are the dns and connect phases; with socks4 and socks5
     * the target's name is resolved here too), then has it open a tunnel to {@code target}: the proxy
     * phase, TLS to an https:// proxy included. All within the connect timeout.
     */
    Conn dialThrough(Proxy proxy, Endpoint target) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(options.connectTimeoutMillis());
        List<InetAddress> proxyAddresses = dialer.resolve(proxy.endpoint(), deadline);
        InetAddress targetAddress = proxy.kind().remoteDns() ? null : targetAddress(proxy, target, deadline);
        boolean looked = dialer.asksResolver(proxy.endpoint()) || (targetAddress != null && dialer.asksResolver(target));
        long dns = looked ? System.nanoTime() - start : -1;
        Conn conn;
        try {
            conn = dialer.connect(proxyAddresses, proxy.endpoint(), dns, deadline);
        } catch (NkException e) {
            throw new NkException(e.exitCode(), e.phase(), "cannot reach the proxy: " + e.getMessage(), e.getCause());
        }
        Timings connected = conn.timings();
        long tunnelStart = System.nanoTime();
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - tunnelStart));
        if (proxy.kind() == Proxy.Kind.HTTPS) {
            conn = options.proxyTls().handshake(conn, proxy.endpoint(), left);
        }
        Deadline tunnelDeadline = new Deadline(conn, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        try {
            new ProxyTunnel(conn, proxy, target).open(targetAddress);
        } catch (IOException e) {
            conn.close();
            if (tunnelDeadline.expired()) {
                throw NkException.timeout("proxy", "the proxy " + proxy + " did not open the tunnel in time (" + target + ")");
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new NkException(ExitCode.PROTOCOL, "proxy", "the proxy " + proxy + " failed: " + message + " (" + target + ")", e);
        } catch (RuntimeException e) {
            conn.close();
            throw e;
        } finally {
            tunnelDeadline.close();
        }
        return new TunnelConn(conn, connected.withProxy(System.nanoTime() - tunnelStart));
    }

    /** A connection to {@code proxy} itself, for forwarded requests (TLS to an https:// one, as the proxy phase). */
    public Conn dialProxy(Proxy proxy) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(options.connectTimeoutMillis());
        List<InetAddress> addresses = dialer.resolve(proxy.endpoint(), deadline);
        long dns = dialer.asksResolver(proxy.endpoint()) ? System.nanoTime() - start : -1;
        Conn conn;
        try {
            conn = dialer.connect(addresses, proxy.endpoint(), dns, deadline);
        } catch (NkException e) {
            throw new NkException(e.exitCode(), e.phase(), "cannot reach the proxy: " + e.getMessage(), e.getCause());
        }
        if (proxy.kind() != Proxy.Kind.HTTPS) {
            return conn;
        }
        Timings connected = conn.timings();
        long tlsStart = System.nanoTime();
        Conn tls = options.proxyTls().handshake(conn, proxy.endpoint(), Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - tlsStart)));
        return new TunnelConn(tls, connected.withProxy(System.nanoTime() - tlsStart));
    }

    /**
     * A SOCKS5 UDP association through the proxy the options name, for datagrams to {@code target}
     * (nk udp --proxy). Only SOCKS5 proxies relay UDP; socks5 resolves the target here, socks5h has the
     * proxy do it.
     */
    public SocksUdp associateUdp(Endpoint target) {
        Proxy proxy = dialer.options().proxies().select(target, false);
        if (proxy == null) {
            return null;
        }
        if (proxy.kind() != Proxy.Kind.SOCKS5 && proxy.kind() != Proxy.Kind.SOCKS5H) {
            throw NkException.usage("udp goes through SOCKS5 proxies only (socks5:// or socks5h://, UDP ASSOCIATE), not " + proxy.kind().scheme() + "://");
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.connectTimeoutMillis());
        InetAddress targetAddress = proxy.kind().remoteDns() ? null : targetAddress(proxy, target, deadline);
        Conn control;
        try {
            control = dialer.connect(dialer.resolve(proxy.endpoint(), deadline), proxy.endpoint(), -1, deadline);
        } catch (NkException e) {
            throw new NkException(e.exitCode(), e.phase(), "cannot reach the proxy: " + e.getMessage(), e.getCause());
        }
        Deadline answer = new Deadline(control, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        InetSocketAddress relay;
        try {
            relay = new ProxyTunnel(control, proxy, target).associateUdp();
        } catch (IOException e) {
            control.close();
            if (answer.expired()) {
                throw NkException.timeout("proxy", "the proxy " + proxy + " did not answer UDP ASSOCIATE in time (" + target + ")");
            }
            throw new NkException(ExitCode.PROTOCOL, "proxy", "the proxy " + proxy + " failed: " + e.getMessage() + " (" + target + ")", e);
        } catch (RuntimeException e) {
            control.close();
            throw e;
        } finally {
            answer.close();
        }
        if (relay.isUnresolved() || relay.getAddress().isAnyLocalAddress()) {
            relay = new InetSocketAddress(control.remoteAddress().getAddress(), relay.getPort()); // "send them to me"
        }
        java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
        header.writeBytes(new byte[] {0, 0, 0});
        if (targetAddress == null) {
            byte[] name = target.host().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            header.write(3);
            header.write(name.length);
            header.writeBytes(name);
        } else {
            header.write(targetAddress instanceof java.net.Inet6Address ? 4 : 1);
            header.writeBytes(targetAddress.getAddress());
        }
        header.write(target.port() >> 8);
        header.write(target.port());
        return new SocksUdp(control, relay, header.toByteArray());
    }

    /** The target's address for a proxy that is given addresses (socks4 takes IPv4 only). */
    private InetAddress targetAddress(Proxy proxy, Endpoint target, long deadline) {
        List<InetAddress> addresses = dialer.resolve(target, deadline);
        if (proxy.kind() == Proxy.Kind.SOCKS4) {
            for (InetAddress address : addresses) {
                if (address instanceof java.net.Inet4Address) {
                    return address;
                }
            }
        }
        return addresses.getFirst();
    }

}
