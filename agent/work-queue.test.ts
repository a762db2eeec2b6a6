import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { isAlive } from './process-tree';
import { agentReportSchema, applicationReportSchema, desiredApplicationSchema, WORK_QUEUE_LIST_MAX } from './protocol';
import { parseNodes, parsePendingJobs, processRunner, readSlurmQueue, SINFO_NODES, SQUEUE_PENDING, WorkQueueReadings, type CommandRunner } from './work-queue';

// Printed by Debian's slurm-wlm 22.05.8 (TZ=UTC0 SLURM_TIME_FORMAT=standard) on a one-node cluster
// running job 5, with a held job (6), one asking for two nodes (7), one to begin in an hour (8),
// a niced one (9), an array of eight with two at a time (10) and a plain one (11): squeue orders
// them by priority, not by age.
const SQUEUE_SAMPLE = `7|2026-12-01T10:48:30|2|Resources
8|2026-12-01T10:48:30|1|BeginTime
10_[0-7%2]|2026-12-01T10:48:31|1|Priority
11|2026-12-01T10:48:31|1|Priority
9|2026-12-01T10:48:31|1|Priority
6|2026-12-01T10:48:29|1|JobHeldUser
`;
// The same cluster's nodes: n1 is in two partitions, so it is listed twice.
const SINFO_SAMPLE = `n1|127.93.0.2|allocated
n1|127.93.0.2|allocated
n2|127.93.0.3|drained
`;

/** Answers Slurm's two commands with the given output. */
const slurmPrinting = (squeue: string, sinfo: string): CommandRunner => async (argv) => (argv[0] === 'squeue' ? squeue : sinfo);

describe('parsePendingJobs', () => {
  it('reads every pending job, oldest first, with its submit time as UTC', () => {
    expect(parsePendingJobs(SQUEUE_SAMPLE)).toEqual([
      { jobId: '6', submittedAt: '2026-12-01T10:48:29.000Z', nodes: 1, reason: 'JobHeldUser' },
      { jobId: '7', submittedAt: '2026-12-01T10:48:30.000Z', nodes: 2, reason: 'Resources' },
      { jobId: '8', submittedAt: '2026-12-01T10:48:30.000Z', nodes: 1, reason: 'BeginTime' },
      { jobId: '9', submittedAt: '2026-12-01T10:48:31.000Z', nodes: 1, reason: 'Priority' },
      { jobId: '10_[0-7%2]', submittedAt: '2026-12-01T10:48:31.000Z', nodes: 1, reason: 'Priority' },
      { jobId: '11', submittedAt: '2026-12-01T10:48:31.000Z', nodes: 1, reason: 'Priority' },
    ]);
  });

  it('reads an empty queue', () => {
    expect(parsePendingJobs('')).toEqual([]);
  });

  it('refuses output of another form, naming what it got', () => {
    // SLURM_TIME_FORMAT=relative, had the agent not overridden it.
    expect(() => parsePendingJobs('2|10:41:41|1|Resources\n')).toThrow('squeue printed job 2\'s submit time as "10:41:41", not as YYYY-MM-DDTHH:MM:SS');
    expect(() => parsePendingJobs('2 2026-12-01T10:41:41 1 Resources\n')).toThrow('squeue printed a line of an unexpected form: "2 2026-12-01T10:41:41 1 Resources"');
    expect(() => parsePendingJobs('2|2026-12-01T10:41:41|1-3|Resources\n')).toThrow('squeue printed job 2\'s node count as "1-3"');
  });
});

describe('parseNodes', () => {
  it('lists each node once, by name', () => {
    expect(parseNodes(SINFO_SAMPLE)).toEqual([
      { name: 'n1', address: '127.93.0.2', state: 'allocated' },
      { name: 'n2', address: '127.93.0.3', state: 'drained' },
    ]);
    expect(parseNodes('compute-10|100.64.0.4|idle\ncompute-9|100.64.0.3|down*\ncompute-1|100.64.0.2|mixed\n').map((n) => n.name)).toEqual(['compute-1', 'compute-9', 'compute-10']);
  });
});

describe('readSlurmQueue', () => {
  it('asks squeue for pending jobs and sinfo for nodes', async () => {
    const asked: string[][] = [];
    const queue = await readSlurmQueue(async (argv) => {
      asked.push(argv);
      return argv[0] === 'squeue' ? SQUEUE_SAMPLE : SINFO_SAMPLE;
    });
    expect(asked).toEqual([SQUEUE_PENDING, SINFO_NODES]);
    expect(queue).toMatchObject({ pendingJobCount: 6, nodes: [{ name: 'n1', state: 'allocated' }, { name: 'n2', state: 'drained' }] });
  });

  it('lists the oldest pending jobs of a long queue and counts them all', async () => {
    const jobs = Array.from({ length: 250 }, (_, i) => `${1000 - i}|2026-12-01T${String(10 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00|1|Priority`);
    const queue = await readSlurmQueue(slurmPrinting(jobs.reverse().join('\n'), ''));
    if (!('pendingJobs' in queue)) throw new Error(queue.problem);
    expect(queue.pendingJobCount).toBe(250);
    expect(queue.pendingJobs).toHaveLength(WORK_QUEUE_LIST_MAX);
    expect(queue.pendingJobs[0]).toEqual({ jobId: '1000', submittedAt: '2026-12-01T10:00:00.000Z', nodes: 1, reason: 'Priority' });
    expect(queue.pendingJobs.at(-1)!.jobId).toBe('801');
  });

  it('says why, instead of throwing, when a command fails or prints nonsense', async () => {
    expect(
      await readSlurmQueue(async () => {
        throw new Error('slurm_load_jobs error: Unable to contact slurm controller (connect failure)');
      }),
    ).toEqual({ problem: 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)' });
    expect(await readSlurmQueue(slurmPrinting('', 'n1 idle\n'))).toEqual({ problem: 'sinfo printed a line of an unexpected form: "n1 idle"' });
  });
});

describe('processRunner', () => {
  const context = { env: { PATH: '/nowhere', SLURM_CONF: '/node/slurm/slurm.conf', TZ: 'Asia/Tokyo', SLURM_TIME_FORMAT: 'relative' }, cwd: '/' };
  const run = (argv: string[]) => processRunner(context)(argv, new AbortController().signal);

  it('runs with the application\'s environment, Slurm\'s folders on the PATH and its times printed in UTC', async () => {
    const out = await run(['sh', '-c', 'echo "$SLURM_CONF $PATH $TZ $SLURM_TIME_FORMAT"']);
    expect(out).toBe('/node/slurm/slurm.conf /nowhere:/usr/sbin:/usr/bin UTC0 standard\n');
  });

  it('fails with the last line the command printed on stderr, or saying it is not installed', async () => {
    const failing = ['sh', '-c', 'echo "squeue: error: first" >&2; echo "slurm_load_jobs error: Unable to contact slurm controller (connect failure)" >&2; exit 1'];
    await expect(run(failing)).rejects.toThrow(/^slurm_load_jobs error: Unable to contact slurm controller \(connect failure\)$/);
    await expect(run(['squeue-not-here'])).rejects.toThrow('squeue-not-here is not installed where the application runs');
  });
});

describe('the deadline of a reading', () => {
  /** Never answers, and takes no notice of the signal: as a container engine that hangs. */
  const hanging = () => new Promise<string>(() => {});

  it('ends the reading of commands that do not answer, naming them, and aborts the signal they were given', async () => {
    const given: AbortSignal[] = [];
    const started = Date.now();
    const queue = await readSlurmQueue((_argv, signal) => {
      given.push(signal);
      return hanging();
    }, 100);
    expect(queue).toEqual({ problem: 'squeue and sinfo did not answer within 0.1 s' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(given.map((s) => s.aborted)).toEqual([true, true]);
  });

  it('names only the command that did not answer', async () => {
    expect(await readSlurmQueue(async (argv) => (argv[0] === 'squeue' ? SQUEUE_SAMPLE : hanging()), 100)).toEqual({ problem: 'sinfo did not answer within 0.1 s' });
  });

  it('kills a command of the process form that overruns it', async () => {
    const bin = await mkdtemp(path.join(os.tmpdir(), 'ocs-wq-deadline-'));
    try {
      await writeFile(path.join(bin, 'squeue'), '#!/bin/sh\necho $$ > "$0.pid"\nexec sleep 30\n', { mode: 0o755 });
      await writeFile(path.join(bin, 'sinfo'), `#!/bin/sh\nprintf '${SINFO_SAMPLE.replaceAll('\n', '\\n')}'\n`, { mode: 0o755 });
      expect(await readSlurmQueue(processRunner({ env: { PATH: bin }, cwd: bin }), 500)).toEqual({ problem: 'squeue did not answer within 0.5 s' });
      const pid = Number(await readFile(path.join(bin, 'squeue.pid'), 'utf8'));
      await vi.waitFor(() => expect(isAlive(pid)).toBe(false));
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});

describe('WorkQueueReadings', () => {
  it('keeps the time of the last change while the queue stays the same, and forgets applications no longer read', async () => {
    const readings = new WorkQueueReadings();
    let squeue = SQUEUE_SAMPLE;
    const slurm = { name: 'slurmctld', run: async (argv: string[]) => (argv[0] === 'squeue' ? squeue : SINFO_SAMPLE) };
    expect(await readings.read([slurm])).toBe(true);
    const first = readings.get('slurmctld')!;
    expect(first).toMatchObject({ pendingJobCount: 6 });
    await new Promise((resolve) => setTimeout(resolve, 5));

    expect(await readings.read([slurm])).toBe(false);
    expect(readings.get('slurmctld')).toBe(first);

    squeue = '';
    expect(await readings.read([slurm])).toBe(true);
    const emptied = readings.get('slurmctld')!;
    expect(emptied).toMatchObject({ pendingJobCount: 0, pendingJobs: [] });
    expect(Date.parse(emptied.at)).toBeGreaterThan(Date.parse(first.at));

    expect(await readings.read([])).toBe(true);
    expect(readings.get('slurmctld')).toBeUndefined();
  });

  it('replaces the queue with the problem when a reading overruns its deadline, so the portal no longer decides from it', async () => {
    const readings = new WorkQueueReadings(100);
    let hanging = false;
    const slurm = { name: 'slurmctld', run: async (argv: string[]) => (hanging ? new Promise<string>(() => {}) : argv[0] === 'squeue' ? SQUEUE_SAMPLE : SINFO_SAMPLE) };
    await readings.read([slurm]);
    const queue = readings.get('slurmctld')!;
    expect(queue).toMatchObject({ pendingJobCount: 6 });
    await new Promise((resolve) => setTimeout(resolve, 5));

    hanging = true;
    expect(await readings.read([slurm])).toBe(true);
    const overrun = readings.get('slurmctld')!;
    expect(overrun).toEqual({ at: expect.any(String), problem: 'squeue and sinfo did not answer within 0.1 s' });
    expect(Date.parse(overrun.at)).toBeGreaterThan(Date.parse(queue.at));
  });
});

describe('the protocol', () => {
  it('carries a work queue in the desired spec of both kinds, and nothing else in it', () => {
    const process = { command: ['sh', 'run.sh'] };
    expect(desiredApplicationSchema.parse({ name: 'slurmctld', kind: 'process', process, workQueue: { scheduler: 'slurm' } }).workQueue).toEqual({ scheduler: 'slurm' });
    expect(desiredApplicationSchema.parse({ name: 'slurmctld', kind: 'container', container: { image: 'slurm:1' }, process, workQueue: { scheduler: 'slurm' } }).workQueue).toEqual({ scheduler: 'slurm' });
    expect(desiredApplicationSchema.safeParse({ name: 'a', kind: 'process', process, workQueue: { scheduler: 'pbs' } }).success).toBe(false);
    expect(desiredApplicationSchema.safeParse({ name: 'a', kind: 'process', process, workQueue: { scheduler: 'slurm', conf: '/x' } }).success).toBe(false);
  });

  it('carries the queue an application reports to the portal as it was read', async () => {
    const readings = new WorkQueueReadings();
    await readings.read([{ name: 'slurmctld', run: slurmPrinting(SQUEUE_SAMPLE, SINFO_SAMPLE) }, { name: 'broken', run: slurmPrinting('x', '') }]);
    const app = { name: 'slurmctld', kind: 'process', state: 'running', restarts: 0, workQueue: readings.get('slurmctld') };
    const broken = { ...app, name: 'broken', workQueue: readings.get('broken') };
    const report = { agentVersion: 'dev', startedAt: new Date().toISOString(), hostname: 'h', appliedVersion: 1, capabilities: { processes: true, containers: false }, applications: [app, broken] };
    // Through JSON, as the sync carries it.
    expect(agentReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(broken.workQueue).toEqual({ at: expect.any(String), problem: 'squeue printed a line of an unexpected form: "x"' });
    expect(applicationReportSchema.safeParse({ ...app, workQueue: { ...app.workQueue, pendingJobs: [{ jobId: '1', submittedAt: '2026-12-01 10:48:30', nodes: 1, reason: 'x' }] } }).success).toBe(false);
  });
});
