package dev.netknife.io;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** Which address family to use: {@code -4}, {@code -6} or either. */
public enum IpVersion {
    ANY, V4, V6;

    public boolean accepts(InetAddress address) {
        return switch (this) {
            case ANY -> true;
            case V4 -> address instanceof Inet4Address;
            case V6 -> address instanceof Inet6Address;
        };
    }
}
