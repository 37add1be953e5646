/**
 * Packet capture (--pcap): what nk sends and receives, written as pcapng with synthesized
 * Ethernet, IP and TCP or UDP headers, and the TLS secrets in Decryption Secrets Blocks, so that
 * Wireshark and tshark read and decrypt it without root or a second tool. No command line.
 */
package dev.netknife.capture;
