// The agent's side of the channel: HTTP calls out to the portal, nothing listens on the node.
import { z } from 'zod';
import {
  AGENT_API_PATH,
  registerResponseSchema,
  syncResponseSchema,
  type RegisterRequest,
  type RegisterResponse,
  type SyncRequest,
  type SyncResponse,
} from './protocol';

/** The portal answered with an error status (its JSON error message, when it sent one). */
export class PortalError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'PortalError';
  }
}

const errorBodySchema = z.object({ error: z.object({ message: z.string() }) });

export class PortalClient {
  constructor(private readonly portalUrl: string) {}

  register(req: RegisterRequest): Promise<RegisterResponse> {
    return this.post(`${AGENT_API_PATH}/register`, req, registerResponseSchema, AbortSignal.timeout(30_000));
  }

  /** Held by the portal up to `waitSeconds` while nothing changes; `signal` cuts it short. */
  sync(nodeId: string, credential: string, req: SyncRequest, waitSeconds: number, signal: AbortSignal): Promise<SyncResponse> {
    const timeout = AbortSignal.timeout((waitSeconds + 30) * 1000);
    return this.post(`${AGENT_API_PATH}/nodes/${encodeURIComponent(nodeId)}/sync?wait=${waitSeconds}`, req, syncResponseSchema, AbortSignal.any([signal, timeout]), credential);
  }

  private async post<T>(path: string, body: unknown, schema: z.ZodType<T>, signal: AbortSignal, credential?: string): Promise<T> {
    const res = await fetch(new URL(path, this.portalUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
      body: JSON.stringify(body),
      signal,
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PortalError(res.status, `the portal answered ${res.status} with something that is not JSON: ${text.slice(0, 200)}`);
    }
    if (!res.ok) {
      const error = errorBodySchema.safeParse(json);
      throw new PortalError(res.status, error.success ? error.data.error.message : `the portal answered ${res.status}`);
    }
    return schema.parse(json);
  }
}
