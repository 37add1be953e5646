/**
 * UDP: {@link dev.netknife.udp.UdpClient} (a connected socket, replies on a virtual thread) and
 * {@link dev.netknife.udp.UdpServer} (the receive and echo loop). No command line.
 */
package dev.netknife.udp;
