// The web-hello application: a page that says which node answered.
import http from 'node:http';
import os from 'node:os';

const host = process.env.NODE_IP ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const node = process.env.NODE_NAME ?? os.hostname();
const startedAt = new Date();

http
  .createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="ja"><head><title>web-hello</title></head><body>
<h1>こんにちは / Hello</h1>
<p>ノード / node: <strong id="node">${node}</strong></p>
<p>アドレス / address: <strong id="address">${host}:${port}</strong></p>
<p>起動 / started: ${startedAt.toISOString()}</p>
</body></html>`);
  })
  .listen(port, host, () => console.log(`web-hello listening on http://${host}:${port}`));
