// One LISTEN connection on a channel, kept up: PostgreSQL delivers the notifications of every
// process's commits to it. While it is down nothing is heard, so `onLost` runs first: its users
// treat that time as "anything may have changed".
import pg from 'pg';
import { safeErrorMessage } from '@/lib/errors';
import { connectionConfig } from './client';

const RECONNECT_MS = 1000;

export interface ListenerHandlers {
  onNotification: (payload: string) => void;
  onLost: () => void;
}

export class PgListener {
  private connecting?: Promise<void>;
  private up = false;

  /** `name` names the connection in pg_stat_activity and the listener in the log. */
  constructor(
    private readonly channel: string,
    private readonly name: string,
    private readonly handlers: ListenerHandlers,
  ) {}

  /** Whether notifications are heard now. */
  get listening(): boolean {
    return this.up;
  }

  /** Connects once (again after a loss); resolves when listening, or after a failed attempt (retried later). */
  start(): Promise<void> {
    this.connecting ??= this.connect().catch((e: unknown) => {
      console.error(`[${this.name}] cannot listen on ${this.channel} (${safeErrorMessage(e)}); retrying`);
      this.retryLater();
    });
    return this.connecting;
  }

  private retryLater(): void {
    setTimeout(() => {
      this.connecting = undefined;
      void this.start();
    }, RECONNECT_MS).unref();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ ...connectionConfig(), application_name: `ocs-${this.name}` });
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      this.up = false;
      client.removeAllListeners('notification');
      client.end().catch(() => {});
      this.handlers.onLost();
      this.retryLater();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (msg) => this.handlers.onNotification(msg.payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (e) {
      // Lost while connecting: onLost has retried already.
      if (lost) return;
      lost = true;
      client.end().catch(() => {});
      throw e;
    }
    if (!lost) this.up = true;
  }
}
