// A command run in a container when the engine hangs: a wire-level stand-in for the engine
// (test/docker-api-stub.ts, the Docker API on a unix socket) with one running container, that
// stops answering at one step of `docker exec`. The real engine's answers are
// agent/work-queue-container.int.test.ts's.
import Dockerode from 'dockerode';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXEC_STEPS, startDockerApiStub, type DockerApiStub, type ExecStep } from '@/test/docker-api-stub';
import { ContainerEngine } from './containers';

const NODE = { name: 'wq-node', ip: '127.0.0.1' };

const engines: DockerApiStub[] = [];

/** An engine whose one container is running as `state` says, and that never answers `hangAt`. */
async function fakeEngine(opts: { hangAt?: ExecStep; state?: string } = {}): Promise<DockerApiStub> {
  const engine = await startDockerApiStub({ hangAt: opts.hangAt, containers: [{ id: 'c1', labels: { 'ocs.node': NODE.name, 'ocs.application': 'slurmctld' }, state: opts.state ?? 'running' }] });
  engines.push(engine);
  return engine;
}

const containersOn = (engine: DockerApiStub) => new ContainerEngine(new Dockerode({ socketPath: engine.socketPath }), 'fake').forNode(NODE);

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

describe('a command run in a container', () => {
  it('prints what the command printed, and its exit code', async () => {
    const engine = await fakeEngine();
    const result = await containersOn(engine).exec('slurmctld', ['squeue'], { env: { TZ: 'UTC0' }, signal: AbortSignal.timeout(5000) });
    expect(result).toEqual({ exitCode: 0, stdout: '7|2026-12-01T10:48:30|2|Resources\n', stderr: '' });
    expect(engine.asked).toEqual(EXEC_STEPS);
  });

  it('runs only in a running container', async () => {
    const engine = await fakeEngine({ state: 'exited' });
    await expect(containersOn(engine).exec('slurmctld', ['squeue'], { env: {}, signal: AbortSignal.timeout(5000) })).rejects.toThrow('application slurmctld has no running container');
    expect(engine.asked).toEqual(['list']);
  });

  it.each(EXEC_STEPS)('gives up when the engine hangs at %s, by the signal, and drops the connection', async (step) => {
    const engine = await fakeEngine({ hangAt: step });
    const started = Date.now();
    await expect(containersOn(engine).exec('slurmctld', ['squeue'], { env: {}, signal: AbortSignal.timeout(200) })).rejects.toThrow(/aborted/i);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(engine.asked.at(-1)).toBe(step);
    await vi.waitFor(() => expect(engine.dropped).toEqual([step]));
  });
});
