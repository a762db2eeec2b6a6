// node:http → a route handler's Request and back: how test portals (test/api-portal.ts,
// test/agent-portal.ts) serve the real handlers without a whole Next.js server.
import type http from 'node:http';
import { Readable } from 'node:stream';

/** A node:http request listener answering through `route`; a request whose client went away is aborted. */
export function bridgeTo(route: (req: Request) => Promise<Response>, host: string): http.RequestListener {
  return (req, res) => {
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : (Readable.toWeb(req) as ReadableStream);
    const request = new Request(`http://${host}${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body, signal: aborted.signal, duplex: 'half' } as RequestInit);
    route(request)
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((e: unknown) => {
        res.writeHead(500).end(String(e));
      });
  };
}
