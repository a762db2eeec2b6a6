import { execFileSync } from 'node:child_process';
import path from 'node:path';

// A run that failed half-way may have left node agents behind (they outlive the portal by design).
// Stop them so this run starts from a machine with no e2e nodes.
export default function globalSetup() {
  const nodesDir = path.resolve('e2e/output/data/nodes');
  const lines = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' }).split('\n');
  for (const line of lines) {
    const m = line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/);
    if (m && m[3]!.includes(nodesDir) && m[1] === m[2]) {
      try {
        process.kill(-Number(m[2]), 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}
