// The leak sweeper on one AWS account of 1,000 instances carrying this installation's tag (900
// belong to live nodes, 100 to none), on the local EC2 endpoint whose instances here exist only as
// EC2's records. Against the same account's bare listing in the same run: what judging and
// recording add, the sweep's EC2 calls, and a sweep that terminates the 100 leaks.
import { randomUUID } from 'node:crypto';
import type { Actor } from '@/lib/auth/actor';
import { db } from '@/lib/db/client';
import { nodes, unitGroups, units } from '@/lib/db/schema';
import { sweepLeaks } from '@/lib/leaks/sweep-leaks';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { AwsProvider } from '@/lib/providers/aws/aws-provider';
import { INSTALL_TAG, installationId } from '@/lib/providers/installation';
import { startEc2Facade } from '@/test/clouds/ec2/facade';
import { summarize, timed } from './stats';
import { throwawayAwsKeys } from './throwaway-keys';

const KEYS = throwawayAwsKeys();
const NETWORK = { subnetId: 'subnet-0123456789abc5e01', securityGroupId: 'sg-0123456789abc5e01', imageId: 'ami-0123456789abc5e01' };
const LIVE = 900;
const LEAKED = 100;

export async function benchSweeper(organization: { organizationId: string; actor: Actor }, rounds: number) {
  const ec2 = await startEc2Facade([{ ...KEYS, region: 'ap-northeast-1', subnets: [NETWORK.subnetId], securityGroups: [NETWORK.securityGroupId] }]);
  const previous = process.env.OCS_AWS_EC2_ENDPOINT;
  process.env.OCS_AWS_EC2_ENDPOINT = ec2.url;
  process.env.OCS_AWS_POLL_MS = '10';
  try {
    const { organizationId, actor } = organization;
    const accountId = (await addProviderAccount(db(), actor, organizationId, { provider: 'aws', name: 'bench-sweep', region: 'ap-northeast-1', network: NETWORK, credentials: KEYS })).id;
    const install = await installationId(db());
    const [group] = await db().insert(unitGroups).values({ organizationId, name: `bench-sweep-${Date.now()}`, ownerId: actor.userId, state: 'RUNNING' }).returning();
    const [unit] = await db().insert(units).values({ unitGroupId: group!.id, name: 'web', role: 'web', state: 'RUNNING', provider: 'aws', flavor: 'small', numNodes: LIVE, image: 'ocs/base:1.0', providerAccountId: accountId }).returning();
    const ids = Array.from({ length: LIVE }, () => randomUUID());
    const live = ec2.seed(KEYS.accessKeyId, ids.map((id) => ({ [INSTALL_TAG]: install, 'ocs.nodeId': id, 'ocs.unitGroupId': group!.id })));
    ec2.seed(KEYS.accessKeyId, Array.from({ length: LEAKED }, () => ({ [INSTALL_TAG]: install, 'ocs.nodeId': randomUUID() })));
    await db()
      .insert(nodes)
      .values(ids.map((id, i) => ({ id, unitId: unit!.id, unitGroupId: group!.id, nodeNo: i + 1, name: `ocs-${id}`, state: 'RUNNING' as const, provider: 'aws', providerAccountId: accountId, flavor: 'small', providerResourceId: `${accountId}/${live[i]!.instanceId}` })));

    const provider = new AwsProvider(db);
    const list: number[] = [];
    const sweep: number[] = [];
    let callsPerSweep = 0;
    for (let i = 0; i < rounds; i++) {
      list.push(await timed(() => provider.listAccountResources(accountId, { [INSTALL_TAG]: install })));
      const before = ec2.calls.length;
      sweep.push(await timed(() => sweepLeaks(db(), { graceMs: 60 * 60_000, dryRun: false, organizationId })));
      callsPerSweep = ec2.calls.length - before;
    }
    const before = ec2.calls.length;
    let removed = 0;
    const removing = await timed(async () => {
      removed = (await sweepLeaks(db(), { graceMs: 0, dryRun: false, organizationId })).removed.length;
    });
    if (removed !== LEAKED) throw new Error(`the sweep removed ${removed} of ${LEAKED} leaks`);
    const results = [
      summarize('list 1000 instances of one account (baseline)', list),
      summarize('leak sweep, 1000 instances, 100 leaks recorded', sweep),
      summarize('leak sweep terminating the 100 leaks', [removing]),
    ];
    return { results, callsPerSweep, callsRemoving: ec2.calls.length - before, ratio: results[1]!.p50 / results[0]!.p50 };
  } finally {
    if (previous === undefined) delete process.env.OCS_AWS_EC2_ENDPOINT;
    else process.env.OCS_AWS_EC2_ENDPOINT = previous;
    await ec2.close();
  }
}
