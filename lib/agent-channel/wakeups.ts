// Wakes the long-polls of agents whose desired state changed. One LISTEN connection per portal
// process; PostgreSQL delivers the notifications of every worker's commits to every portal
// process, so any number of portal processes can hold agents' connections.
import { PgListener } from '@/lib/db/listener';
import { DESIRED_STATE_CHANNEL } from './desired-state';

export interface Subscription {
  /** Resolves on a change of the node's desired state, after `ms`, or when `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

class DesiredStateWakeups {
  private readonly waiters = new Map<string, Set<() => void>>();
  private listener?: PgListener;

  /** Subscribe before reading the desired state: a change in between then wakes the wait at once. */
  async subscribe(nodeId: string): Promise<Subscription> {
    await this.listen();
    let woken = false;
    let wake: (() => void) | undefined;
    const onChange = () => {
      woken = true;
      wake?.();
    };
    const set = this.waiters.get(nodeId) ?? new Set();
    set.add(onChange);
    this.waiters.set(nodeId, set);
    return {
      wait: (ms, signal) =>
        woken
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              const timer = setTimeout(done, ms);
              function done() {
                clearTimeout(timer);
                signal?.removeEventListener('abort', done);
                resolve();
              }
              wake = done;
              signal?.addEventListener('abort', done, { once: true });
            }),
      close: () => {
        set.delete(onChange);
        if (!set.size && this.waiters.get(nodeId) === set) this.waiters.delete(nodeId);
      },
    };
  }

  /** Connects once; while PostgreSQL is away, waits simply time out and the agents sync again. */
  private listen(): Promise<void> {
    this.listener ??= new PgListener(DESIRED_STATE_CHANNEL, 'agent-channel', {
      onNotification: (nodeId) => {
        for (const wake of this.waiters.get(nodeId) ?? []) wake();
      },
      // Changes made while we were not listening: every waiting agent reads its state again.
      onLost: () => {
        for (const set of this.waiters.values()) for (const wake of set) wake();
      },
    });
    return this.listener.start();
  }
}

const cache = globalThis as unknown as { __ocsDesiredStateWakeups?: DesiredStateWakeups };

export function desiredStateWakeups(): DesiredStateWakeups {
  return (cache.__ocsDesiredStateWakeups ??= new DesiredStateWakeups());
}
