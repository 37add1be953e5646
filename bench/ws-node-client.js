// The Node side of bench/ws-echo: an npm ws client (with its native bufferutil add-on) that sends
// every line of FILE (without its newline) as one text message and writes each message it gets
// back to stdout followed by a newline, like `nk ws --count COUNT URL < FILE`.
// Usage: node ws-node-client.js URL FILE COUNT [WINDOW]
// Pipelined: it keeps up to WINDOW messages (default 1000) sent but not yet echoed, sending the
// next ones as echoes arrive, while ws and the socket send as fast as they can. After COUNT
// messages it closes with 1000 and exits 0 once the close completes; exit 1 if the connection
// ends before COUNT messages. Output goes out in batches (up to 1 MiB or 1024 pieces per write).
// Run it with NODE_PATH pointing at the node_modules that holds ws (src/test/node/node_modules).
'use strict';
const fs = require('fs');
const WebSocket = require('ws');

const [url, file, countArg, windowArg] = process.argv.slice(2);
const count = Number(countArg);
const window = Number(windowArg || '1000');
if (!url || !file || !(count > 0) || !(window > 0)) {
  process.stderr.write('usage: node ws-node-client.js URL FILE COUNT [WINDOW]\n');
  process.exit(2);
}

// The lines of FILE, as views into one buffer (no copies).
const input = fs.readFileSync(file);
const lines = [];
for (let start = 0; start < input.length;) {
  let end = input.indexOf(10, start);
  if (end < 0) end = input.length;
  lines.push(input.subarray(start, end));
  start = end + 1;
}

const newline = Buffer.from('\n');
let pending = [];
let pendingBytes = 0;
function flush() {
  if (pending.length === 0) return;
  let written = fs.writevSync(1, pending);
  if (written < pendingBytes) { // a partial write: the rest one piece at a time
    const rest = Buffer.concat(pending).subarray(written);
    for (let off = 0; off < rest.length;) off += fs.writeSync(1, rest, off);
  }
  pending = [];
  pendingBytes = 0;
}
function output(data) {
  pending.push(data, newline);
  pendingBytes += data.length + 1;
  if (pendingBytes >= 1024 * 1024 || pending.length >= 1024) flush();
}

const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
let sent = 0;
let received = 0;
function topUp() {
  const limit = Math.min(lines.length, received + window);
  while (sent < limit) ws.send(lines[sent++], { binary: false });
}
ws.on('open', topUp);
ws.on('message', (data) => {
  output(data); // a Buffer (binaryType 'nodebuffer'), fragments already joined
  if (++received === count) {
    flush();
    ws.close(1000);
  } else {
    topUp();
  }
});
ws.on('close', (code) => {
  flush();
  if (received < count) {
    process.stderr.write(`ws-node-client: connection closed (code ${code}) after ${received} of ${count} messages\n`);
    process.exit(1);
  }
  process.exit(0);
});
ws.on('error', (err) => {
  process.stderr.write(`ws-node-client: ${err.message}\n`);
  process.exit(1);
});
