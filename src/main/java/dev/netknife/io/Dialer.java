package dev.netknife.io;

import dev.netknife.ExitCode;
import dev.netknife.NkException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Resolves and connects with one deadline for both (the connect timeout), trying each address
 * of the host in turn, and records DNS and connect time. Failures come out as {@link NkException}
 * with the exit code and phase already decided.
 */
public final class Dialer {
    /** The loopback addresses in the order the JDK gives a lookup's answer (IPv4 first unless it prefers IPv6). */
    private static final List<InetAddress> LOOPBACK = Boolean.getBoolean("java.net.preferIPv6Addresses")
            ? List.of(InetAddress.ofLiteral("::1"), InetAddress.ofLiteral("127.0.0.1"))
            : List.of(InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("::1"));

    private final DialOptions options;

    public Dialer(DialOptions options) {
        this.options = options;
    }

    public long connectTimeoutMillis() {
        return options.connectTimeoutMillis();
    }

    /** This dialer with a shorter connect timeout (an overall deadline that leaves less time). */
    public Dialer withConnectTimeout(long millis) {
        return new Dialer(options.withConnectTimeout(millis));
    }

    /** A connection to {@code endpoint}, through the proxy the options choose for a target reached without TLS. */
    public Conn dial(Endpoint endpoint) {
        return dial(endpoint, false);
    }

    /** A connection to {@code endpoint}; {@code tlsScheme} (https, wss) picks https_proxy over http_proxy. */
    public Conn dial(Endpoint endpoint, boolean tlsScheme) {
        if (options.unixSocket() != null) {
            return dialUnix(options.unixSocket());
        }
        Endpoint via = options.pins().connectTarget(endpoint);
        Proxy proxy = options.proxies().select(endpoint, tlsScheme);
        if (proxy != null) {
            return dialThrough(proxy, via);
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(options.connectTimeoutMillis());
        List<InetAddress> addresses = resolve(via, deadline);
        long dns = asksResolver(via) ? System.nanoTime() - start : -1; // an address literal or a pinned name: no dns phase
        return connect(addresses, via, dns, deadline);
    }

    /** The proxy part: tunnels, forward proxies, UDP associations. */
    private Conn dialThrough(Proxy proxy, Endpoint target) {
        return new ProxyDialer(this).dialThrough(proxy, target);
    }

    /**
     * The HTTP proxy a plain http:// request to {@code target} is sent to as a forward proxy (curl's
     * default: the request names the absolute URL, no tunnel), or null when it goes direct or through
     * another kind of proxy.
     */
    public Proxy forwardProxy(Endpoint target) {
        Proxy proxy = options.unixSocket() != null ? null : options.proxies().select(target, false);
        return proxy != null && (proxy.kind() == Proxy.Kind.HTTP || proxy.kind() == Proxy.Kind.HTTPS) ? proxy : null;
    }

    /** A connection to {@code proxy} itself, for forwarded requests (TLS to an https:// one, as the proxy phase). */
    public Conn dialProxy(Proxy proxy) {
        return new ProxyDialer(this).dialProxy(proxy);
    }

    /** A SOCKS5 UDP association for datagrams to {@code target} (nk udp --proxy); null without a proxy. */
    public SocksUdp associateUdp(Endpoint target) {
        return new ProxyDialer(this).associateUdp(target);
    }

    /**
     * A connection to the Unix domain socket at {@code path} (curl --unix-socket, ncat -U; {@code @name}: a
     * Linux abstract name). The host and port of the target still name it (Host, SNI, certificate checks).
     */
    public Conn dialUnix(java.nio.file.Path path) {
        return UnixDialer.dial(path);
    }

    boolean asksResolver(Endpoint endpoint) {
        return literal(endpoint.host()) == null && options.pins().addresses(endpoint) == null;
    }

    /**
     * Connects to the first of {@code addresses} that answers before the deadline: with both IPv6 and
     * IPv4 among them by Happy Eyeballs ({@link HappyEyeballs}), else one after another.
     */
    public Conn connect(List<InetAddress> candidates, Endpoint endpoint, long dnsNanos, long deadlineNanos) {
        List<InetAddress> addresses = fromSource(candidates, endpoint);
        if (HappyEyeballs.applies(addresses) && (options.source() == null || options.source().getPort() == 0)) {
            long connectStart = System.nanoTime();
            IOException[] failure = new IOException[1];
            SocketChannel winner;
            try {
                winner = HappyEyeballs.race(addresses, endpoint.port(), options.source(), deadlineNanos, failure);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NkException(ExitCode.INTERRUPTED, "connect", "interrupted", e);
            }
            if (winner == null) {
                throw connectFailure(endpoint, deadlineNanos - System.nanoTime() <= 0 ? null : failure[0]); // past the deadline: a timeout
            }
            try {
                return options.wiretap().tap(new TcpConn(winner, Timings.connected(dnsNanos, System.nanoTime() - connectStart)), true);
            } catch (IOException e) {
                closeQuietly(winner);
                throw connectFailure(endpoint, e);
            }
        }
        IOException last = null;
        for (InetAddress address : addresses) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left <= 0) {
                break;
            }
            long connectStart = System.nanoTime();
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open();
                bindSource(channel, options.source());
                channel.socket().connect(new InetSocketAddress(address, endpoint.port()), (int) Math.min(left, Integer.MAX_VALUE));
                return options.wiretap().tap(new TcpConn(channel, Timings.connected(dnsNanos, System.nanoTime() - connectStart)), true);
            } catch (IOException e) {
                closeQuietly(channel);
                last = e;
            }
        }
        throw connectFailure(endpoint, last);
    }

    public DialOptions options() {
        return options;
    }

    /** With a source address, only the addresses of its family can be reached from it. */
    private List<InetAddress> fromSource(List<InetAddress> addresses, Endpoint endpoint) {
        InetSocketAddress source = options.source();
        if (source == null || source.getAddress().isAnyLocalAddress()) {
            return addresses;
        }
        boolean v6 = source.getAddress() instanceof java.net.Inet6Address;
        List<InetAddress> same = addresses.stream().filter(a -> (a instanceof java.net.Inet6Address) == v6).toList();
        if (same.isEmpty()) {
            throw NkException.usage("--bind " + Endpoint.text(source.getAddress()) + " is " + (v6 ? "IPv6" : "IPv4") + ", and " + endpoint.host()
                    + " has no " + (v6 ? "IPv6" : "IPv4") + " address");
        }
        return same;
    }

    /** Binds the local end before connecting (--bind, --local-port); a fixed port may be reused from TIME_WAIT. */
    static void bindSource(SocketChannel channel, InetSocketAddress source) throws IOException {
        if (source == null) {
            return;
        }
        if (source.getPort() != 0) {
            channel.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
        }
        try {
            channel.bind(source);
        } catch (IOException e) {
            throw new NkException(ExitCode.FAILURE, "connect", "cannot connect from " + Endpoint.format(source) + ": " + e.getMessage(), e);
        }
    }

    /** The addresses of the endpoint's host in the allowed family, IPv4 first unless the JDK prefers IPv6. */
    public List<InetAddress> resolve(Endpoint endpoint, long deadlineNanos) {
        List<InetAddress> pinned = options.pins().addresses(endpoint);
        if (pinned != null) {
            List<InetAddress> allowed = pinned.stream().filter(options.ipVersion()::accepts).toList();
            if (allowed.isEmpty()) {
                throw new NkException(ExitCode.UNKNOWN_HOST, "dns", "--resolve gives " + endpoint + " no "
                        + (options.ipVersion() == IpVersion.V4 ? "IPv4" : "IPv6") + " address", null);
            }
            return allowed;
        }
        InetAddress literal = literal(endpoint.host());
        if (literal != null) {
            if (!options.ipVersion().accepts(literal)) {
                throw NkException.usage(endpoint.host() + " is not an " + (options.ipVersion() == IpVersion.V4 ? "IPv4" : "IPv6") + " address");
            }
            return List.of(literal);
        }
        List<InetAddress> all = isLocalhost(endpoint.host()) ? LOOPBACK : List.of(lookUp(endpoint, deadlineNanos));
        List<InetAddress> allowed = new ArrayList<>();
        for (InetAddress address : all) {
            if (options.ipVersion().accepts(address)) {
                allowed.add(address);
            }
        }
        if (allowed.isEmpty()) {
            throw new NkException(ExitCode.UNKNOWN_HOST, "dns",
                    "no " + (options.ipVersion() == IpVersion.V4 ? "IPv4" : "IPv6") + " address for " + endpoint.host(), null);
        }
        return allowed;
    }

    /**
     * Whether {@code host} is {@code localhost} or a name under it, which RFC 6761 (6.3) reserves for
     * the loopback: curl answers it without asking the resolver, and so does nk. It also spares a
     * one-off command the resolver's start (a thread, and in the native executable a service lookup
     * of several milliseconds).
     */
    static boolean isLocalhost(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        return name.equalsIgnoreCase("localhost") || name.regionMatches(true, name.length() - 10, ".localhost", 0, 10);
    }

    private static InetAddress[] lookUp(Endpoint endpoint, long deadlineNanos) {
        FutureTask<InetAddress[]> lookup = new FutureTask<>(() -> InetAddress.getAllByName(endpoint.host()));
        Thread.ofVirtual().name("nk-dns").start(lookup);
        try {
            return lookup.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw NkException.timeout("dns", "timed out resolving " + endpoint.host());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException) {
                throw new NkException(ExitCode.UNKNOWN_HOST, "dns", "could not resolve host " + endpoint.host(), e.getCause());
            }
            throw new NkException(ExitCode.FAILURE, "dns", "resolving " + endpoint.host() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NkException(ExitCode.INTERRUPTED, "dns", "interrupted", e);
        }
    }

    /** The address if {@code host} is an IP literal (no lookup needed), else null. */
    static InetAddress literal(String host) {
        char c = host.charAt(0);
        if (Character.digit(c, 16) < 0 && c != ':') {
            return null;
        }
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static NkException connectFailure(Endpoint endpoint, IOException e) {
        if (e == null || e instanceof SocketTimeoutException) {
            return new NkException(ExitCode.TIMEOUT, "connect", "connect timed out (" + endpoint + ")", e);
        }
        if (e instanceof ConnectException) {
            return new NkException(ExitCode.REFUSED, "connect", "connection refused (" + endpoint + ")", e);
        }
        if (e instanceof NoRouteToHostException) {
            return new NkException(ExitCode.REFUSED, "connect", "no route to host (" + endpoint + ")", e);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("unreachable")) {
            return new NkException(ExitCode.REFUSED, "connect", "network unreachable (" + endpoint + ")", e);
        }
        return new NkException(ExitCode.FAILURE, "connect", "connect failed: " + message + " (" + endpoint + ")", e);
    }

    static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do about a failed close of a socket that never connected
            }
        }
    }
}
