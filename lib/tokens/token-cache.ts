// API tokens this portal process has authenticated, so a script's every call is not one more
// query (scripts call often). An entry lives a minute at most, and every entry goes as soon as
// PostgreSQL says a token, membership, user or organization changed (the triggers of migration
// 0023 notify AUTH_CHANNEL on commit, from any process); while that channel is down nothing is
// cached. Only the process that answers the API turns it on (scripts/portal-server.ts).
import { PgListener } from '@/lib/db/listener';

const AUTH_CHANNEL = 'ocs_auth_change';
const TTL_MS = 60_000;
/** Bounds memory whatever the number of tokens in use; the oldest entry goes first. */
const MAX_ENTRIES = 10_000;

export class TokenCache<T extends { expiresAt: Date }> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private changes = 0;
  private listener?: PgListener;
  /** Lookups answered from memory and not, since the start: a hit spared a query. */
  readonly counts = { hits: 0, misses: 0 };

  /** Resolves once listening (or after a failed attempt, retried in the background). */
  enable(): Promise<void> {
    this.listener ??= new PgListener(AUTH_CHANNEL, 'token-cache', { onNotification: () => this.forgetAll(), onLost: () => this.forgetAll() });
    return this.listener.start();
  }

  /** Take before the query whose answer goes to `remember`: a change heard in between keeps that answer out. */
  get generation(): number {
    return this.changes;
  }

  lookup(key: string): T | undefined {
    if (!this.listener?.listening) return undefined;
    const entry = this.entries.get(key);
    if (entry && entry.until > Date.now()) {
      this.counts.hits++;
      return entry.value;
    }
    if (entry) this.entries.delete(key);
    this.counts.misses++;
    return undefined;
  }

  remember(key: string, value: T, generation: number): void {
    if (!this.listener?.listening || generation !== this.changes) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: Math.min(Date.now() + TTL_MS, value.expiresAt.getTime()) });
  }

  private forgetAll(): void {
    this.changes++;
    this.entries.clear();
  }
}
