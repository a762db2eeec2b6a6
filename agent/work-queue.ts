// A Slurm cluster's queue as one of the node's applications sees it (cloud burst: jobs pending too
// long call for more compute nodes, idle nodes may go). The agent runs Slurm's own commands where
// the application runs: with the process's environment (its SLURM_CONF), or inside its container.
import { execFile } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import type { NodeContainers } from './containers';
import { WORK_QUEUE_LIST_MAX, type PendingJob, type WorkQueueNode, type WorkQueueReport } from './protocol';

/**
 * A reading of a queue ends within this, both commands and every call to a container engine in
 * it: a reading left hanging would leave the last queue reported, and the portal deciding from it.
 * squeue gives up on a controller that does not answer after about 9 s (Slurm's own retries); a
 * missing slurm.conf it retries for a minute.
 */
const SLURM_COMMAND_TIMEOUT_MS = 15_000;
/** Queues are read at most this often: jobs wait minutes before a burst, and squeue costs the controller a little each time. */
export const WORK_QUEUE_EVERY_MS = 5000;
/** A long queue prints about 40 bytes a job. */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/** Job id, submit time, node count and reason of every pending job. */
export const SQUEUE_PENDING = ['squeue', '-h', '-t', 'PENDING', '-o', '%i|%V|%D|%r'];
/** Each node with its address and state (a node in two partitions is listed twice). */
export const SINFO_NODES = ['sinfo', '-h', '-N', '-o', '%N|%o|%T'];

/**
 * Slurm prints times in the local zone without naming it, in a format SLURM_TIME_FORMAT may
 * change: these make it print UTC as YYYY-MM-DDTHH:MM:SS whatever the application's environment
 * says. "UTC0" is a POSIX zone rule, so no zone files are needed (a container may have none).
 */
const SLURM_OUTPUT_ENV = { TZ: 'UTC0', SLURM_TIME_FORMAT: 'standard' } as const;

/** Runs a command where the application runs, giving up once `signal` aborts; resolves with what it printed, rejects saying why it failed. */
export type CommandRunner = (argv: string[], signal: AbortSignal) => Promise<string>;

/** The `fields` fields of a line, separated by "|" (trimmed); a line of another form throws, naming the command. */
function fieldsOf(line: string, fields: number, command: string): string[] {
  const parts = line.split('|');
  if (parts.length !== fields) throw new Error(`${command} printed a line of an unexpected form: ${JSON.stringify(line.slice(0, 200))}`);
  return parts.map((p) => p.trim());
}

const lines = (out: string) => out.split('\n').filter((l) => l.trim() !== '');
const byNumber = new Intl.Collator('en', { numeric: true });

/** squeue's pending jobs (printed with SLURM_OUTPUT_ENV), oldest first. */
export function parsePendingJobs(out: string): PendingJob[] {
  const jobs = lines(out).map((line) => {
    const [jobId, submitted, nodes, reason] = fieldsOf(line, 4, 'squeue') as [string, string, string, string];
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(submitted)) throw new Error(`squeue printed job ${jobId}'s submit time as ${JSON.stringify(submitted)}, not as YYYY-MM-DDTHH:MM:SS`);
    if (!/^\d+$/.test(nodes)) throw new Error(`squeue printed job ${jobId}'s node count as ${JSON.stringify(nodes)}`);
    return { jobId, submittedAt: new Date(`${submitted}Z`).toISOString(), nodes: Number(nodes), reason };
  });
  // squeue orders by priority, which moves as jobs wait: by age the list changes only when the queue does.
  return jobs.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || byNumber.compare(a.jobId, b.jobId));
}

/** sinfo's nodes, each once, by name. */
export function parseNodes(out: string): WorkQueueNode[] {
  const nodes = new Map<string, WorkQueueNode>();
  for (const line of lines(out)) {
    const [name, address, state] = fieldsOf(line, 3, 'sinfo') as [string, string, string];
    if (!nodes.has(name)) nodes.set(name, { name, address, state });
  }
  return [...nodes.values()].sort((a, b) => byNumber.compare(a.name, b.name));
}

/** What one reading says, without its time. */
type WorkQueueContent = { pendingJobCount: number; pendingJobs: PendingJob[]; nodes: WorkQueueNode[] } | { problem: string };

/** Reads the queue with Slurm's commands, all within `timeoutMs`; a failure is the reading's problem, never thrown. */
export async function readSlurmQueue(run: CommandRunner, timeoutMs = SLURM_COMMAND_TIMEOUT_MS): Promise<WorkQueueContent> {
  const signal = AbortSignal.timeout(timeoutMs);
  const unanswered = new Set<string>();
  const command = async (argv: string[]) => {
    unanswered.add(argv[0]!);
    const out = await run(argv, signal);
    unanswered.delete(argv[0]!);
    return out;
  };
  try {
    const reading = Promise.all([command(SQUEUE_PENDING).then(parsePendingJobs), command(SINFO_NODES).then(parseNodes)]);
    const [pending, nodes] = await untilAborted(reading, signal);
    return { pendingJobCount: pending.length, pendingJobs: pending.slice(0, WORK_QUEUE_LIST_MAX), nodes: nodes.slice(0, WORK_QUEUE_LIST_MAX) };
  } catch (err) {
    const problem = signal.aborted ? `${[...unanswered].join(' and ')} did not answer within ${timeoutMs / 1000} s` : (err as Error).message;
    return { problem: problem.slice(0, 1000) };
  }
}

/** Settles as `promise` does, or rejects once `signal` aborts: a runner that misses the signal cannot hold the reading. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** Why a Slurm command failed, in a line: what it said last on stderr, else how it ended. */
function commandFailure(command: string, how: { notFound?: boolean; stderr?: string; fallback: string }): Error {
  if (how.notFound) return new Error(`${command} is not installed where the application runs (Slurm's client commands read the queue)`);
  return new Error(lines(how.stderr ?? '').at(-1)?.trim() ?? how.fallback);
}

/** Slurm's commands run as the node's process, with the application's environment. */
export function processRunner(context: { env: Record<string, string | undefined>; cwd: string }): CommandRunner {
  // Debian puts some of Slurm's programs in /usr/sbin, which an ordinary user's PATH lacks.
  const env: Record<string, string | undefined> = { ...context.env, PATH: [context.env.PATH, '/usr/sbin', '/usr/bin'].filter(Boolean).join(':'), ...SLURM_OUTPUT_ENV };
  return (argv, signal) =>
    new Promise((resolve, reject) => {
      execFile(argv[0]!, argv.slice(1), { env: env as NodeJS.ProcessEnv, cwd: context.cwd, signal, maxBuffer: MAX_OUTPUT_BYTES }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        reject(commandFailure(argv[0]!, { notFound: (err as NodeJS.ErrnoException).code === 'ENOENT', stderr, fallback: err.message }));
      });
    });
}

/** Slurm's commands run inside the application's running container, with its environment (its slurm.conf, its PATH). */
export function containerRunner(containers: Pick<NodeContainers, 'exec'>, name: string): CommandRunner {
  return async (argv, signal) => {
    const result = await containers.exec(name, argv, { env: SLURM_OUTPUT_ENV, signal });
    if (result.exitCode === 0) return result.stdout;
    // 127: the shell's and the OCI runtimes' "command not found".
    throw commandFailure(argv[0]!, { notFound: result.exitCode === 127, stderr: result.stderr, fallback: `${argv[0]} exited with code ${result.exitCode}` });
  };
}

/**
 * The last reading of each application's queue, as its report carries it. `at` moves only when
 * the content changes, so an unchanged queue leaves the report as it was and nothing is sent.
 */
export class WorkQueueReadings {
  private readonly readings = new Map<string, WorkQueueReport>();

  constructor(private readonly timeoutMs = SLURM_COMMAND_TIMEOUT_MS) {}

  /** Reads the queues of these applications (forgetting any other); true when a report changed. */
  async read(targets: { name: string; run: CommandRunner }[]): Promise<boolean> {
    let changed = false;
    for (const name of this.readings.keys())
      if (!targets.some((t) => t.name === name)) {
        this.readings.delete(name);
        changed = true;
      }
    const contents = await Promise.all(targets.map(async (t) => [t.name, await readSlurmQueue(t.run, this.timeoutMs)] as const));
    for (const [name, content] of contents) {
      const before = this.readings.get(name);
      if (before && isDeepStrictEqual({ ...before, at: undefined }, { ...content, at: undefined })) continue;
      this.readings.set(name, { at: new Date().toISOString(), ...content });
      changed = true;
    }
    return changed;
  }

  get(name: string): WorkQueueReport | undefined {
    return this.readings.get(name);
  }
}
