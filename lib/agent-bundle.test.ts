import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentBundle } from './agent-bundle';

describe('the agent bundle', () => {
  it('is one versioned file with its checksum, built once per version', async () => {
    const bundle = await agentBundle();
    expect(bundle.version).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
    expect(path.basename(bundle.file)).toBe(`ocs-agent-${bundle.version}.mjs`);
    expect(bundle.sha256).toBe(createHash('sha256').update(await readFile(bundle.file)).digest('hex'));
    expect(await agentBundle()).toEqual(bundle);
  });
});
