// The REST drivers' retry rules against a real local HTTP server: a transient status is tried
// again (after the Retry-After it names), a refusal is not, and no answer at all is transient.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpStatusError, isTransient, requestJson, withRetry } from './http';

let server: Server;
let url: string;
const answers: { status: number; body: unknown; headers?: Record<string, string> }[] = [];
const seen: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(Date.now());
    const next = answers.shift() ?? { status: 200, body: { ok: true } };
    res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
    res.end(JSON.stringify(next.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/things`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const policy = { retries: 3, minMs: 10, maxMs: 50 };
const code = (body: unknown) => (body as { error?: { code?: string } })?.error?.code;

describe('REST calls with retries', () => {
  it('tries a throttled call again after the Retry-After it names, then succeeds', async () => {
    seen.length = 0;
    answers.push({ status: 429, body: { error: { code: 'TooManyRequests' } }, headers: { 'retry-after': '1' } });
    const res = await withRetry(() => requestJson<{ ok: boolean }>({ method: 'GET', url }, code), { policy });
    expect(res.body).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(950);
  });

  it('does not try a refused call again, and names the provider code and status', async () => {
    seen.length = 0;
    answers.push({ status: 400, body: { error: { code: 'InvalidFlavor' } } });
    const failure = await withRetry(() => requestJson({ method: 'POST', url, body: { a: 1 } }, code), { policy }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HttpStatusError);
    expect(failure).toMatchObject({ status: 400, code: 'InvalidFlavor' });
    expect(seen).toHaveLength(1);
  });

  it('gives up after its retries while the provider keeps failing', async () => {
    seen.length = 0;
    for (let i = 0; i < 4; i++) answers.push({ status: 503, body: 'busy' });
    const failure = await withRetry(() => requestJson({ method: 'GET', url }), { policy }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 503, code: 'HTTP 503' });
    expect(seen).toHaveLength(4);
  });

  it('counts a connection that is refused as transient, and an over-limit answer only when it says when to return', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await requestJson({ method: 'GET', url: `http://127.0.0.1:${port}/` }).catch((e: unknown) => e);
    expect(isTransient(refused)).toBe(true);
    expect(isTransient(new HttpStatusError(413, 'OverLimit', 'quota', null))).toBe(false);
    expect(isTransient(new HttpStatusError(413, 'OverLimit', 'rate', 2000))).toBe(true);
    expect(isTransient(new HttpStatusError(404, 'NotFound', 'gone', null))).toBe(false);
  });
});
