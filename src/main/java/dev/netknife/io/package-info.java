/**
 * The shared virtual-thread I/O layer every command stands on: endpoints, dialing with timeouts, connections,
 * a server with a virtual thread per connection, relays and pipes with half-close, rate limits, deadlines,
 * timings and shutdown hooks. No command line.
 */
package dev.netknife.io;
