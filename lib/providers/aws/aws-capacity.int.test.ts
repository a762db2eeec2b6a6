// A build on aws that EC2 answers InsufficientInstanceCapacity: the real @aws-sdk/client-ec2 gets
// EC2's 500 from the local EC2 endpoint, tries it once only, and the build fails at once (not left
// for another attempt of its job) with the step's error naming EC2's code and saying what to do
// next in Japanese and English, as the build page shows it to each reader. No instance is made, so
// this test needs no network of hosts.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { BuildFailedError, runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { buildLogs, builds, buildSteps, nodes } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { FAULTS, startEc2Facade, type Ec2Facade } from '@/test/clouds/ec2/facade';
import { organizationWithMember, uniqueName } from '@/test/fixtures';
import { inLanguage } from '../explained';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7CAPACTY', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYCAPACITY' };
const NETWORK = { subnetId: 'subnet-0123456789abcde02', securityGroupId: 'sg-0123456789abcde02', imageId: 'ami-0123456789abcde02' };
const ADVICE = { ja: 'このアベイラビリティーゾーンに、この種類のインスタンスの空きがありません', en: 'The Availability Zone has no capacity for this instance type now' };

let ec2: Ec2Facade;
let actor: Actor;
let organizationId: string;
let unitGroupId: string | undefined;
const previous = process.env.OCS_AWS_EC2_ENDPOINT;

beforeAll(async () => {
  ec2 = await startEc2Facade([{ ...KEYS, region: 'ap-northeast-1', subnets: [NETWORK.subnetId], securityGroups: [NETWORK.securityGroupId] }]);
  process.env.OCS_AWS_EC2_ENDPOINT = ec2.url;
  ({ organizationId, actor } = await organizationWithMember());
  await addProviderAccount(db(), actor, organizationId, { provider: 'aws', name: 'lab-aws', region: 'ap-northeast-1', network: NETWORK, credentials: KEYS });
});

afterAll(async () => {
  if (unitGroupId) await deleteUnitGroup(db(), unitGroupId).catch(() => {});
  if (previous === undefined) delete process.env.OCS_AWS_EC2_ENDPOINT;
  else process.env.OCS_AWS_EC2_ENDPOINT = previous;
  await ec2?.close();
  await closeQueue();
  await closeDb();
});

describe('a build on aws without EC2 capacity', { timeout: 60_000 }, () => {
  it('fails at once, its step naming EC2 InsufficientInstanceCapacity and what to do in Japanese and English', async () => {
    ec2.failNext('RunInstances', FAULTS.capacity, 1);
    const submitted = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('aws-full'), provider: 'aws', organizationId, parameters: { nodes: 1 } });
    unitGroupId = submitted.unitGroupId;
    // The job has attempts left: a failure worth another one would be thrown back for the queue to retry.
    const failed = await runBuild(db(), submitted.buildId, { number: 1, max: 3 }).then(() => null, (e: unknown) => e);
    expect(failed).toBeInstanceOf(BuildFailedError);
    expect(ec2.calls.filter((c) => c.action === 'RunInstances')).toHaveLength(1);
    expect(ec2.instances).toEqual([]);

    const [build] = await db().select().from(builds).where(eq(builds.id, submitted.buildId));
    expect(build!.status).toBe('FAILED');
    const [step] = await db().select().from(buildSteps).where(eq(buildSteps.buildId, submitted.buildId)).orderBy(asc(buildSteps.position));
    expect(step).toMatchObject({ key: 'create-nodes', status: 'FAILED', attempts: 1, error: expect.stringContaining('EC2 InsufficientInstanceCapacity') });
    // A Japanese reader gets the Japanese advice, an English reader the English one, both with EC2's code.
    const ja = inLanguage(step!.error!, 'ja');
    const en = inLanguage(step!.error!, 'en');
    expect(ja).toContain('InsufficientInstanceCapacity');
    expect(ja).toContain(ADVICE.ja);
    expect(ja).not.toContain(ADVICE.en);
    expect(en).toContain('InsufficientInstanceCapacity');
    expect(en).toContain(ADVICE.en);
    expect(en).not.toContain(ADVICE.ja);

    // The node is in error with the same explanation, and the build log's line says it too.
    const [node] = await db().select().from(nodes).where(eq(nodes.unitGroupId, unitGroupId));
    expect(node).toMatchObject({ state: 'HOST_ERROR', providerResourceId: null, stateReason: expect.stringContaining(ADVICE.ja) });
    const lines = await db().select().from(buildLogs).where(and(eq(buildLogs.buildId, submitted.buildId), eq(buildLogs.level, 'error')));
    expect(lines.find((l) => l.message.includes('could not be created'))?.message).toEqual(expect.stringMatching(new RegExp(`InsufficientInstanceCapacity[^]*${ADVICE.ja}[^]*${ADVICE.en}`)));
  });
});
