// A WebSocket echo server from the npm ws package, for nk ws tests and bench/ws-echo.
// Usage: node ws-echo-server.js [--port P] [--subprotocol NAME] [--close-after N --close-code C]
// Prints 127.0.0.1:PORT on stdout when ready. Echoes each message with its type; answers pings
// (ws does that itself). With --close-after, closes each connection with --close-code after N messages.
'use strict';
const { WebSocketServer } = require('ws');

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const port = Number(opt('--port', '0'));
const subprotocol = opt('--subprotocol', null);
const closeAfter = Number(opt('--close-after', '0'));
const closeCode = Number(opt('--close-code', '1000'));

const server = new WebSocketServer({
  host: '127.0.0.1',
  port,
  maxPayload: 64 * 1024 * 1024,
  handleProtocols: (protocols) => (subprotocol && protocols.has(subprotocol) ? subprotocol : false),
});
server.on('listening', () => process.stdout.write(`127.0.0.1:${server.address().port}\n`));
server.on('connection', (socket) => {
  let seen = 0;
  socket.on('message', (data, isBinary) => {
    socket.send(data, { binary: isBinary });
    if (closeAfter > 0 && ++seen >= closeAfter) socket.close(closeCode, 'closing as asked');
  });
  socket.on('error', () => {});
});
process.on('SIGTERM', () => process.exit(0));
