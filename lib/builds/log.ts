import type { Database } from '@/lib/db/client';
import { buildLogs } from '@/lib/db/schema';

/** A build log line: kept in PostgreSQL for the build page, echoed to the process log for operators. */
export async function appendBuildLog(
  db: Database,
  buildId: string,
  message: string,
  opts: { stepKey?: string; level?: 'info' | 'warn' | 'error' } = {},
): Promise<void> {
  const level = opts.level ?? 'info';
  await db.insert(buildLogs).values({ buildId, stepKey: opts.stepKey ?? null, level, message });
  const line = `[build ${buildId.slice(0, 8)}${opts.stepKey ? ` ${opts.stepKey}` : ''}] ${message}`;
  if (level === 'error') console.error(line);
  else console.log(line);
}
