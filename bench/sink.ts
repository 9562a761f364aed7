// The minimal sink, run in its own process (`node bench/sink.ts`): a plain node:http server
// that reads each body and answers 200 `{}`, so the server costs as little as a server can
// and the measure is the client. GET /stats answers (and resets) the POSTs and body bytes
// received, so the bench can check that every request arrived and that the raw loop and the
// CLI sent the same bodies. First stdout line: `listening http://127.0.0.1:PORT`.
import { createServer } from 'node:http';

let requests = 0;
let bytes = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ requests, bytes }));
    requests = 0;
    bytes = 0;
    return;
  }
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
    res.end('{}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
