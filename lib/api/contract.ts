// A route's contract: what the OpenAPI document, the TypeScript SDK and the tests read. It holds
// schemas only (no domain code), so the document can be made without a database.
import type { z } from 'zod';
import type { Permission } from '@/lib/auth/actor';
import type { ApiTag } from './tags';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call: anyone; anyone signed in (or with a token); NII staff; or members of the
 * organization the target belongs to whose role grants `permission` (a readonly token only reads).
 */
export type Access = 'public' | 'signedIn' | 'staff' | { permission: Permission };

export interface RouteContract<
  Params extends z.ZodType = z.ZodType,
  Query extends z.ZodType = z.ZodType,
  Body extends z.ZodType = z.ZodType,
  Output extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** OpenAPI form: `/api/v1/unit-groups/{id}`. */
  path: string;
  /** The SDK's and the document's name for it: `getUnitGroup`. */
  operationId: string;
  tag: ApiTag;
  summary: string;
  /** The summary in Japanese, for the reference page (the document itself is in English). */
  summaryJa: string;
  description?: string;
  access: Access;
  params?: Params;
  query?: Query;
  body?: Body;
  /** The success status and its body. */
  status: number;
  /** Other success statuses answering the same body (a dry run's 200 beside a change's 202): the handler returns answer(status, body). */
  otherStatuses?: number[];
  output: Output;
  /** Answers text, not JSON (Prometheus exposition). */
  contentType?: string;
  /** The answer holds a secret shown this once (a token, a signing secret): no cache on the way may keep it. */
  secret?: true;
}

/** Declares a contract; the identity function keeps each schema's type for the handler and the SDK. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, O extends z.ZodType>(contract: RouteContract<P, Q, B, O>): RouteContract<P, Q, B, O> {
  return contract;
}

/** What a path parameter names, from the path segment before it: `/organizations/{id}/members/{userId}`, userId → "member". */
export function nounOf(path: string, param: string): string {
  const segments = path.split('/');
  const at = segments.indexOf(`{${param}}`);
  const noun = at > 0 ? segments[at - 1]! : 'resource';
  return noun.replace(/-/g, ' ').replace(/s$/, '');
}

/** `/api/v1/units/{id}/nodes` → `/api/v1/units/[id]/nodes`, the folder the route file is in. */
export const folderOf = (path: string): string => path.replace(/\{(\w+)\}/g, '[$1]');
