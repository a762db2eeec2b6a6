import { describe, expect, it } from 'vitest';
import { processSpecSchema } from './protocol';

describe('process specs', () => {
  it('keep the files an application brings inside its node\'s folder', () => {
    const spec = (path: string) => processSpecSchema.safeParse({ command: ['sh', 'run.sh'], files: [{ path, content: 'x' }] });
    expect(spec('slurm/slurm.conf').data?.files).toEqual([{ path: 'slurm/slurm.conf', content: 'x', mode: 0o644 }]);
    for (const outside of ['/etc/passwd', '../other-node/key', 'slurm/../../x', 'a//b', './a'])
      expect(spec(outside).error?.issues[0]).toMatchObject({ path: ['files', 0, 'path'], message: expect.stringContaining("inside the node's folder") });
    expect(processSpecSchema.safeParse({ command: ['x'], cwd: '../up' }).success).toBe(false);
  });
});
