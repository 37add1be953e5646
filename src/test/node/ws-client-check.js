// The npm ws client against a WebSocket echo server (nk ws --listen): text, binary, a fragmented
// text message, a 10 MiB binary message, ping/pong, and a close with code 4000 answered in kind.
// Usage: node ws-client-check.js URL [--ca FILE]. Prints one line per check; exit 0 when all pass.
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const WebSocket = require('ws');

const url = process.argv[2];
const caIndex = process.argv.indexOf('--ca');
const options = caIndex > 0 ? { ca: fs.readFileSync(process.argv[caIndex + 1]) } : {};
const ws = new WebSocket(url, options);
const big = crypto.randomBytes(10 * 1024 * 1024);
const checks = [];
const fail = (why) => { console.log(`FAIL ${why}`); process.exit(1); };
setTimeout(() => fail('timed out'), 20000).unref();

let step = 0;
ws.on('open', () => {
  ws.send('hello');
});
ws.on('message', (data, isBinary) => {
  step++;
  if (step === 1) {
    if (isBinary || data.toString() !== 'hello') fail(`text echo: ${data}`);
    console.log('ok text');
    ws.send(Buffer.from([0, 1, 255]), { binary: true });
  } else if (step === 2) {
    if (!isBinary || !data.equals(Buffer.from([0, 1, 255]))) fail('binary echo');
    console.log('ok binary');
    ws.send('frag', { fin: false });
    ws.send('men', { fin: false });
    ws.send('ted', { fin: true });
  } else if (step === 3) {
    if (isBinary || data.toString() !== 'fragmented') fail(`fragmented echo: ${data}`);
    console.log('ok fragmented');
    ws.send(big, { binary: true });
  } else if (step === 4) {
    if (!isBinary || !data.equals(big)) fail('10 MiB echo');
    console.log('ok 10MiB');
    ws.ping('are you there');
  }
});
ws.on('pong', (data) => {
  if (data.toString() !== 'are you there') fail('pong payload');
  console.log('ok pong');
  ws.close(4000, 'bye');
});
ws.on('close', (code, reason) => {
  if (code !== 4000) fail(`close code ${code}`);
  console.log(`ok close ${code} ${reason}`);
  process.exit(0);
});
ws.on('error', (e) => fail(`error ${e.message}`));
