import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { agentBundle } from '@/lib/agent-bundle';
import { GET as download } from './agent.mjs/route';
import { GET as version } from './version/route';

describe('the portal hands out its agent', () => {
  it('as one file whose checksum and version it states, for an installer to check', async () => {
    const bundle = await agentBundle();
    const res = await download();
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('x-ocs-agent-version')).toBe(bundle.version);
    expect(res.headers.get('x-ocs-agent-sha256')).toBe(createHash('sha256').update(body).digest('hex'));
    expect(body.toString('utf8', 0, 40)).toContain('OCS node agent');

    const meta = await (await version()).json();
    expect(meta).toEqual({ version: bundle.version, sha256: bundle.sha256, path: '/api/agent/v1/agent.mjs' });
  });
});
