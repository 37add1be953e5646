/**
 * HTTP/1.1 on the shared I/O layer: URLs, response parsing with limits, body framing, the keep-alive client
 * with redirects, and the small page server behind balance --stats and monitor --metrics. No command line.
 */
package dev.netknife.http;
