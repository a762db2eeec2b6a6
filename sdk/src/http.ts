// The typed HTTP layer: openapi-fetch over the generated paths, a bearer token, an
// Idempotency-Key on every POST (a retry after a lost connection is not done twice) and the
// portal's error body turned into OcsApiError.
import createClient, { type Client } from 'openapi-fetch';
import { OcsApiError, type ErrorCode } from './errors.js';
import type { paths } from './openapi.js';

export type Api = Client<paths>;

export interface ConnectionOptions {
  /** The portal, e.g. https://ocs.example.ac.jp */
  url: string;
  /** An API token (the organization's API tokens page). */
  token: string;
  fetch?: typeof fetch;
}

export function connect(options: ConnectionOptions): Api {
  const base = options.fetch ?? globalThis.fetch;
  const client = createClient<paths>({
    baseUrl: options.url.replace(/\/+$/, ''),
    headers: { Authorization: `Bearer ${options.token}` },
    fetch: async (request: Request) => {
      const retry = request.clone();
      try {
        return await base(request);
      } catch {
        // The same request again (same key): the portal answers it once.
        return base(retry);
      }
    },
  });
  client.use({
    onRequest: ({ request }) => {
      if (request.method === 'POST' && !request.headers.has('Idempotency-Key')) request.headers.set('Idempotency-Key', crypto.randomUUID());
      return request;
    },
  });
  return client;
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { fields?: Record<string, string> } };
}

/** The data of an answer, or the OcsApiError of a refusal. */
export function ok<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.response.ok && answer.error === undefined) return answer.data as T;
  const body = (answer.error ?? {}) as ErrorBody;
  throw new OcsApiError(answer.response.status, (body.error?.code ?? 'INTERNAL') as ErrorCode, body.error?.message ?? `HTTP ${answer.response.status}`, body.error?.details?.fields ?? {});
}
