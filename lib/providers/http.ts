// How the REST drivers (OpenStack, mdx, Sakura Cloud, …) talk to their APIs: JSON over fetch, an
// error carrying the HTTP status and the provider's own error code, and retries with exponential
// backoff and full jitter for what the status (or a network failure) says may pass, honouring
// Retry-After. Never decided by message text.
import pRetry, { AbortError } from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';

/** An answer outside 2xx: its status and the provider's code decide what happens next. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    /** The provider's error code when its body names one, else `HTTP <status>`. */
    readonly code: string,
    message: string,
    /** From Retry-After, when the provider sent one. */
    readonly retryAfterMs: number | null,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/** Statuses after which the same request may succeed later. */
const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** A failure that trying again may cure: a transient status, an over-limit answer that says when, or no answer at all. */
export function isTransient(e: unknown): boolean {
  if (e instanceof HttpStatusError) return TRANSIENT_STATUS.has(e.status) || (e.status === 413 && e.retryAfterMs !== null);
  return isNetworkFailure(e);
}

/** fetch failed before any answer (refused, reset, DNS, timeout). */
export function isNetworkFailure(e: unknown): boolean {
  if (e instanceof HttpStatusError) return false;
  const err = e as { name?: string; cause?: { code?: string } };
  return err?.name === 'TimeoutError' || (err?.name === 'TypeError' && typeof err.cause?.code === 'string');
}

function retryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

export interface RetryPolicy {
  /** Tries after the first. */
  retries: number;
  /** The first backoff's ceiling; each later one doubles, up to maxMs. */
  minMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: Number(process.env.OCS_PROVIDER_RETRIES ?? 4),
  minMs: Number(process.env.OCS_PROVIDER_RETRY_MS ?? 500),
  maxMs: 20_000,
};

/** Runs `call`, again after a jittered pause while it fails transiently (or as `transient` decides). */
export async function withRetry<T>(call: () => Promise<T>, options: { policy?: RetryPolicy; transient?: (e: unknown) => boolean } = {}): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  const transient = options.transient ?? isTransient;
  return pRetry(
    async () => {
      try {
        return await call();
      } catch (e) {
        if (!transient(e)) throw new AbortError(e as Error);
        throw e;
      }
    },
    {
      retries: policy.retries,
      // p-retry's own delay is replaced by full jitter (AWS's "exponential backoff and jitter").
      minTimeout: 0,
      maxTimeout: 0,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft === 0) return;
        const ceiling = Math.min(policy.maxMs, policy.minMs * 2 ** (attemptNumber - 1));
        const asked = error instanceof HttpStatusError ? error.retryAfterMs : null;
        await sleep(Math.max(asked ?? 0, Math.random() * ceiling));
      },
    },
  );
}

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Per call; the API's answer must come within it. */
  timeoutMs?: number;
}

export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * One JSON request, once. A non-2xx answer throws HttpStatusError whose code `errorCode` reads from
 * the body (each API names its errors its own way).
 */
export async function requestJson<T>(req: JsonRequest, errorCode: (body: unknown, status: number) => string | undefined = () => undefined): Promise<JsonResponse<T>> {
  const res = await fetch(req.url, {
    method: req.method,
    headers: { accept: 'application/json', ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
    ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
    signal: AbortSignal.timeout(req.timeoutMs ?? 60_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's HTML page, say): kept as text for the error message.
  }
  if (!res.ok) {
    const code = errorCode(body, res.status) ?? `HTTP ${res.status}`;
    const detail = typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body).slice(0, 300);
    throw new HttpStatusError(res.status, code, `${req.method} ${new URL(req.url).pathname} answered ${res.status} ${code}: ${detail}`, retryAfter(res.headers.get('retry-after')));
  }
  return { status: res.status, headers: res.headers, body: body as T };
}
