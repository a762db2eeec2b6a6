// What every cloud facade under test/clouds shares: the machine work it runs in the background
// (boots, halts, teardowns) that a test waits for, the faults a test queues for the next calls of
// an operation, and starting and stopping its local server.
import type { Server } from 'node:http';
import type { Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface BackgroundWork {
  /** Runs `work` in the background; settled() waits for it. */
  track(work: Promise<void>): void;
  /** Resolves once nothing tracked is running, including work started meanwhile. */
  settled(): Promise<void>;
}

export function backgroundWork(): BackgroundWork {
  const running = new Set<Promise<void>>();
  return {
    track(work) {
      running.add(work);
      void work.finally(() => running.delete(work));
    },
    async settled() {
      while (running.size) await Promise.allSettled([...running]);
    },
  };
}

export interface FaultQueue<F> {
  /** The next `times` calls of `op` answer with `fault`. */
  failNext(op: string, fault: F, times?: number): void;
  /** The fault queued for this call of `op`, if any (it is used up). */
  take(op: string): F | undefined;
}

export function faultQueue<F>(): FaultQueue<F> {
  const queued: { op: string; fault: F; times: number }[] = [];
  return {
    failNext: (op, fault, times = 1) => void queued.push({ op, fault, times }),
    take(op) {
      const next = queued.find((f) => f.op === op && f.times > 0);
      if (!next) return undefined;
      next.times -= 1;
      return next.fault;
    },
  };
}

/** Listens on 127.0.0.1 (on `port`, else one of its own) and answers the port. */
export async function listenLocal(server: Server | TlsServer, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Stops the server, dropping the connections clients keep alive. */
export function closeServer(server: Server | TlsServer): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
