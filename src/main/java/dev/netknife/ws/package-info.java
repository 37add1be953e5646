/**
 * WebSocket (RFC 6455): the opening handshake of both sides, frames, {@link dev.netknife.ws.WsSession} (messages,
 * ping, close), the client's message loop and whole connection ({@link dev.netknife.ws.WsClientSession}) and
 * the echo server ({@link dev.netknife.ws.WsEchoServer}). No command line: inputs are records, outputs results
 * and listener calls.
 */
package dev.netknife.ws;
