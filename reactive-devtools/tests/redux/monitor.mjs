// A Redux DevTools monitor in miniature, for the compatibility test
// (reactive-devtools/tests/redux_devtools.rs): it connects to the server with
// socketcluster-client as the monitor app does, logs in as a monitor, and prints every message
// the apps relay (one JSON line each, after a line `ready`). Each JSON line read from stdin,
// `{"channel": …, "message": …}`, is transmitted to that channel (`sc-<socket id>` reaches one
// app; `respond` reaches them all).
//
// Usage: node monitor.mjs <port>
import readline from 'node:readline';
import socketClusterClient from 'socketcluster-client';

const port = Number(process.argv[2]);
const socket = socketClusterClient.create({ hostname: '127.0.0.1', port, autoReconnect: false });

const print = (value) => process.stdout.write(JSON.stringify(value) + '\n');

(async () => {
  for await (const { error } of socket.listener('error')) {
    process.stderr.write(`monitor: socket error: ${error}\n`);
  }
})();

(async () => {
  await socket.listener('connect').once();
  const channel = await socket.invoke('login', {});
  const messages = socket.subscribe(channel);
  await messages.listener('subscribe').once();
  print('ready');
  for await (const message of messages) {
    print(message);
  }
})().catch((error) => {
  process.stderr.write(`monitor: ${error.stack || error}\n`);
  process.exit(1);
});

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  const { channel, message } = JSON.parse(line);
  void socket.transmit(channel, message);
});
input.on('close', () => {
  socket.disconnect();
  process.exit(0);
});
