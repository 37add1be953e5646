package dev.netknife.io;

import java.util.Map;

/**
 * Which proxy a connection goes through, if any: {@code --proxy}, else (for the commands that read it,
 * as curl does) {@code http_proxy} for http and ws targets, {@code https_proxy} for https and wss ones,
 * {@code all_proxy} for both; {@code no_proxy} or {@code --noproxy} lists the hosts reached directly, and
 * {@code --proxy ''} turns every proxy off. Upper-case names count too, except {@code HTTP_PROXY}, which
 * curl ignores (a CGI program sees a request's Proxy header there).
 */
public record Proxies(Proxy explicit, Proxy http, Proxy https, NoProxy noProxy) {

    public static final Proxies NONE = new Proxies(null, null, null, NoProxy.NONE);

    /** The proxy for {@code target}, reached with TLS ({@code tlsScheme}: https, wss) or not; null: connect directly. */
    public Proxy select(Endpoint target, boolean tlsScheme) {
        Proxy proxy = explicit != null ? explicit : tlsScheme ? https : http;
        return proxy == null || noProxy.matches(target.host()) ? null : proxy;
    }

    /** Whether some target may go through an https:// proxy (TLS to the proxy must then be set up). */
    public boolean anyHttps() {
        return isHttps(explicit) || isHttps(http) || isHttps(https);
    }

    private static boolean isHttps(Proxy proxy) {
        return proxy != null && proxy.kind() == Proxy.Kind.HTTPS;
    }

    /**
     * From {@code --proxy} ({@code proxyOption}: null when not given, empty to turn proxies off) and
     * {@code --noproxy}, and from {@code env} when {@code useEnvironment}. A malformed URL is a usage error
     * naming where it came from.
     */
    public static Proxies of(String proxyOption, String noProxyOption, Map<String, String> env, boolean useEnvironment) {
        if (proxyOption != null && proxyOption.isBlank()) {
            return NONE;
        }
        NoProxy noProxy = NoProxy.parse(noProxyOption != null ? noProxyOption : useEnvironment ? variable(env, "no_proxy", "NO_PROXY") : null);
        if (proxyOption != null) {
            return new Proxies(Proxy.parse(proxyOption, "--proxy"), null, null, noProxy);
        }
        if (!useEnvironment) {
            return NONE;
        }
        Proxy all = fromEnv(env, "all_proxy", "ALL_PROXY");
        Proxy http = fromEnv(env, "http_proxy", null);
        Proxy https = fromEnv(env, "https_proxy", "HTTPS_PROXY");
        return new Proxies(null, http != null ? http : all, https != null ? https : all, noProxy);
    }

    private static Proxy fromEnv(Map<String, String> env, String lower, String upper) {
        String value = variable(env, lower, upper);
        if (value == null || value.isBlank()) {
            return null;
        }
        return Proxy.parse(value, "the " + (env.containsKey(lower) ? lower : upper) + " variable");
    }

    private static String variable(Map<String, String> env, String lower, String upper) {
        String value = env.get(lower);
        return value != null || upper == null ? value : env.get(upper);
    }
}
