import { describe, expect, it } from 'vitest';
import { storableText } from './application-logs';
import { agentReportSchema, processSpecSchema, syncResponseSchema } from './protocol';

describe('process specs', () => {
  it('keep the files an application brings inside its node\'s folder', () => {
    const spec = (path: string) => processSpecSchema.safeParse({ command: ['sh', 'run.sh'], files: [{ path, content: 'x' }] });
    expect(spec('slurm/slurm.conf').data?.files).toEqual([{ path: 'slurm/slurm.conf', content: 'x', mode: 0o644 }]);
    for (const outside of ['/etc/passwd', '../other-node/key', 'slurm/../../x', 'a//b', './a'])
      expect(spec(outside).error?.issues[0]).toMatchObject({ path: ['files', 0, 'path'], message: expect.stringContaining("inside the node's folder") });
    expect(processSpecSchema.safeParse({ command: ['x'], cwd: '../up' }).success).toBe(false);
  });
});

describe('what the portal sends', () => {
  it('is read by an agent that predates some of its fields, which it drops', () => {
    const response = { desired: { version: 3, applications: [], fromANewerPortal: { x: 1 } }, heartbeatSeconds: 15, agentVersion: '0.1.0+abc', alsoNewer: true };
    expect(syncResponseSchema.parse(response)).toEqual({ desired: { version: 3, applications: [] }, heartbeatSeconds: 15, agentVersion: '0.1.0+abc' });
  });

  it('while what agents send stays strict', () => {
    expect(agentReportSchema.safeParse({ agentVersion: 'x', startedAt: 'x', hostname: 'h', appliedVersion: 0, capabilities: { processes: true, containers: false }, applications: [], extra: 1 }).success).toBe(false);
  });
});

describe("an application's output in a report", () => {
  it('loses its NUL characters, which the portal could not keep', () => {
    expect(storableText('ok\u0000then')).toBe('ok\ufffdthen');
  });
});
