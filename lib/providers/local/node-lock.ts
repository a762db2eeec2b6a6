// Mutual exclusion per node across every process sharing a state root (portal, workers), so two
// of them can never create, power or delete the same node at once. The lock is an abstract Unix
// socket (Linux): binding it is atomic and exclusive, and the kernel releases it when its holder
// dies, so a crashed process can never leave a stale lock behind.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { ProviderError } from '../types';

/** Longer than the slowest operation held under the lock (an agent start: 20 s). */
const ACQUIRE_TIMEOUT_MS = 60_000;
const RETRY_MS = 50;

export class NodeLocks {
  /** Same-process callers queue here first, so they are served in call order. */
  private readonly queues = new Map<string, Promise<unknown>>();

  /** Runs `task` holding the lock of the node whose folder is `nodeDir`. */
  run<T>(nodeDir: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(nodeDir) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => holding(nodeDir, task));
    this.queues.set(nodeDir, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (this.queues.get(nodeDir) === next) this.queues.delete(nodeDir);
      });
    return next;
  }
}

async function holding<T>(nodeDir: string, task: () => Promise<T>): Promise<T> {
  const lock = await acquire(nodeDir);
  try {
    return await task();
  } finally {
    await new Promise((resolve) => lock.close(resolve));
  }
}

async function acquire(nodeDir: string): Promise<net.Server> {
  // Abstract socket names are limited to 107 bytes, so the folder path is hashed.
  const address = `\0ocs-local-node-${createHash('sha256').update(nodeDir).digest('hex').slice(0, 40)}`;
  const deadline = Date.now() + ACQUIRE_TIMEOUT_MS;
  for (;;) {
    const server = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ path: address, exclusive: true }, resolve);
      });
      // Holding a lock must not keep the process alive by itself.
      server.unref();
      return server;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        throw new ProviderError('local', 'lock_failed', `cannot lock ${nodeDir}: ${(err as Error).message}`, true);
      }
    }
    if (Date.now() >= deadline) {
      throw new ProviderError('local', 'busy', `another process has been working on ${nodeDir} for over ${ACQUIRE_TIMEOUT_MS / 1000} s`, true);
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS + Math.random() * RETRY_MS));
  }
}
