// Each application's stdout and stderr go to <stateDir>/apps/<name>.log, interleaved with the
// agent's own notes about it (starts, exits), so one file tells the application's story.
import { closeSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';

/** Only the end of a log is read, so a huge log cannot exhaust the agent's memory. */
const MAX_LOG_TAIL_BYTES = 1024 * 1024;

export function applicationLogPath(stateDir: string, name: string): string {
  return path.join(stateDir, 'apps', `${name}.log`);
}

export function agentLine(message: string): string {
  return `[agent ${new Date().toISOString()}] ${message}\n`;
}

export function appendLogLine(file: string, message: string, log: (message: string) => void): void {
  try {
    const fd = openSync(file, 'a', 0o600);
    try {
      writeSync(fd, agentLine(message));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    log(`cannot write ${file}: ${(err as Error).message}`);
  }
}

/**
 * Text the portal can keep: PostgreSQL's text and jsonb hold no NUL character, which a program's
 * output may contain, and the portal refuses a report that carries one.
 */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '\ufffd');
}

/** The last `lines` lines of a file, or null when it does not exist. */
export async function readLogTail(file: string, lines: number): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, MAX_LOG_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const all = buffer.toString('utf8').split('\n');
    if (all.at(-1) === '') all.pop();
    const kept = lines === 0 ? [] : all.slice(-lines);
    return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
  } finally {
    await handle.close();
  }
}
