// Cursor pagination for every list: newest first by a timestamp, ties broken by id. The cursor
// carries PostgreSQL's own text of the timestamp (microseconds), which JavaScript's Date would cut.
import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { invalidInput } from '@/lib/errors';

export const MAX_PAGE = 200;

export const ZPageQuery = z.object({
  cursor: z.string().max(300, 'is not a cursor this API gave').optional().describe('The nextCursor of the page before; none for the first page.'),
  limit: z.coerce
    .number({ error: `must be a whole number from 1 to ${MAX_PAGE}` })
    .int(`must be a whole number from 1 to ${MAX_PAGE}`)
    .min(1, 'must be at least 1')
    .max(MAX_PAGE, `must be at most ${MAX_PAGE}`)
    .default(50)
    .describe(`How many items at most (default 50, at most ${MAX_PAGE}).`),
});
export type PageQuery = z.infer<typeof ZPageQuery>;

/** What every paginated answer adds to its list: the cursor of the next page, null on the last. */
export const ZNextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.');

export interface Keyset {
  /** A timestamp column, newest first. */
  sort: PgColumn;
  id: PgColumn;
}

interface Position {
  sort: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function decode(cursor: string): Position {
  try {
    const [sort, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof sort === 'string' && PG_TIMESTAMP.test(sort) && typeof id === 'string' && UUID.test(id)) return { sort, id };
  } catch {
    // falls through to the 400
  }
  throw invalidInput({ cursor: 'is not a cursor this API gave' });
}

const encode = (p: Position) => Buffer.from(JSON.stringify([p.sort, p.id])).toString('base64url');

/** The column to select beside a row so that its page can name the next one. */
export const cursorColumn = (k: Keyset): SQL<string> => sql<string>`to_char(${k.sort} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The condition for rows after the cursor (none for the first page). */
export function afterCursor(k: Keyset, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const p = decode(cursor);
  return sql`(${k.sort}, ${k.id}) < (${p.sort}::timestamptz, ${p.id}::uuid)`;
}

// NULLS LAST as the list indexes have it (drizzle's index .desc()): else PostgreSQL sorts instead of reading the index.
export const pageOrder = (k: Keyset): SQL[] => [sql`${k.sort} desc nulls last`, sql`${k.id} desc nulls last`];

/**
 * A page from rows read with `limit + 1` and a `cursor` column: the extra row only says there is
 * a next page.
 */
export function pageOf<T extends { cursor: string; id: string }>(rows: T[], limit: number): { items: Omit<T, 'cursor'>[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return {
    items: kept.map(({ cursor: _cursor, ...row }) => row),
    nextCursor: more && last ? encode({ sort: last.cursor, id: last.id }) : null,
  };
}

// A unit's nodes page in node-number order: a unit never gives a number twice (nodes_unit_no), and
// numbers start at 1, so the first page is the one after 0.
const NODE_NO = /^node (\d{1,10})$/;

export const nodeNoCursor = (nodeNo: number): string => Buffer.from(`node ${nodeNo}`).toString('base64url');

/** The node number a cursor continues after (0 for the first page). */
export function afterNodeNo(cursor: string | undefined): number {
  if (!cursor) return 0;
  const nodeNo = Number(NODE_NO.exec(Buffer.from(cursor, 'base64url').toString('utf8'))?.[1]);
  if (!Number.isSafeInteger(nodeNo) || nodeNo > 2 ** 31 - 1) throw invalidInput({ cursor: 'is not a cursor this API gave' });
  return nodeNo;
}
