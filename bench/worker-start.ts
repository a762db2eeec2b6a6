// A worker's start, as the launcher runs one (node --import tsx workers/main.ts, scripts/start.ts),
// from spawn to its "ready" line: a worker restarted by the launcher, or one more started for a
// busy queue, takes no job before then. The floor beside it in the same run: the same node and tsx
// starting a file that only prints the line.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from './stats';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const READY = /\bready: queue /;

/** Milliseconds from spawning `file` to its ready line; the process is stopped then. */
function startTime(file: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!READY.test(output)) return;
      const ms = performance.now() - start;
      child.stdout.off('data', onData);
      child.once('exit', () => resolve(ms));
      child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!READY.test(output)) reject(new Error(`${file} exited (${signal ?? code}) before it was ready: ${output.slice(-500)}`));
    });
  });
}

export async function benchWorkerStart(scratch: string, rounds = 7) {
  const floor = path.join(scratch, 'ready-only.ts');
  writeFileSync(floor, "console.log('[bench] ready: queue none');\n");
  const env = { ...process.env };
  const worker: number[] = [];
  const bare: number[] = [];
  // Interleaved, so that a slow minute of the machine weighs on both alike.
  for (let i = 0; i < rounds; i++) {
    worker.push(await startTime(path.join(ROOT, 'workers', 'main.ts'), env));
    bare.push(await startTime(floor, env));
  }
  const results = [summarize('worker start: spawn → ready', worker), summarize('node + tsx start of a file that only prints (floor)', bare)];
  return { results, ratio: results[0]!.p50 / results[1]!.p50 };
}
