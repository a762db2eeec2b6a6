// The `aws` provider: a node is an EC2 instance in the organization's account (its region, subnet,
// security group and AMI), tagged with the node's tags and named after it. Its user data installs
// and starts the node agent (lib/providers/cloud-init.ts), which then dials home. The node's name
// is the RunInstances ClientToken, so a create repeated after a crash finds the same instance
// instead of making a second one.
import {
  DescribeInstancesCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
  type Instance,
  type InstanceMarketOptionsRequest,
  type Filter,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { and, eq, isNull } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '@/lib/db/client';
import { providerAccounts, type ProviderAccount } from '@/lib/db/schema';
import { openProviderCredentials } from '@/lib/secrets/provider-credentials';
import { accountsHolding } from '../account-scope';
import { findProvider } from '../catalog';
import { cloudInitUserData } from '../cloud-init';
import { ProviderError, type AccountProvider, type CreateNodeRequest, type Flavor, type Localized, type NodeResource, type ResourceState } from '../types';
import { ec2Client } from './ec2-client';
import { ec2ErrorCode, ec2Failure } from './errors';

/** Whose accounts nodes are made in, spot or not. */
const ID = 'aws';
/** "<account id>/<instance id>": which account the instance is in, and which instance. */
const RESOURCE_ID = /^([0-9a-f-]{36})\/(i-[0-9a-f]{8,17})$/;
/** Read when used, so a test can set it after loading the driver. */
const waitEveryMs = () => Number(process.env.OCS_AWS_POLL_MS ?? 2000);
const WAIT_MAX_MS = 10 * 60_000;

const STATES: Record<string, ResourceState> = { pending: 'booting', running: 'running', stopping: 'stopped', stopped: 'stopped' };

/** An EC2 failure as a provider error: the code decides whether to retry and what to tell people. */
function providerError(e: unknown, doing: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const { code, retryable, advice } = ec2Failure(e);
  return new ProviderError(ID, code, `${doing}: EC2 ${code}: ${(e as Error).message}`, retryable, advice);
}

export class AwsProvider implements AccountProvider {
  readonly label: Localized;

  /** `aws_spot`: the same accounts, with every instance a spot instance (OCS's aws_spot). */
  constructor(
    private readonly db: () => Database,
    readonly id: 'aws' | 'aws_spot' = 'aws',
  ) {
    this.label = findProvider(id)!.label;
  }

  flavors(): Flavor[] {
    return findProvider(this.id)!.flavors;
  }

  /**
   * `aws_spot`: a one-time spot request, ended (terminated) when AWS takes the capacity back; no
   * price cap is set, so EC2 charges the spot price up to the on-demand price.
   */
  private marketOptions(): InstanceMarketOptionsRequest | undefined {
    if (this.id !== 'aws_spot') return undefined;
    return { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } };
  }

  private async account(accountId: string): Promise<{ account: ProviderAccount; client: EC2Client }> {
    const account = await this.db().query.providerAccounts.findFirst({ where: and(eq(providerAccounts.id, accountId), eq(providerAccounts.provider, ID), isNull(providerAccounts.removedAt)) });
    if (!account) throw new ProviderError(ID, 'no_account', `AWS account ${accountId} is not there any more: add the account again under クラウドアカウント (Cloud accounts)`, false);
    return { account, client: ec2Client({ region: account.region!, credentials: openProviderCredentials(account.id, account.credentials) }) };
  }

  private resource(accountId: string, i: Instance): NodeResource {
    const tags = Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    return { resourceId: `${accountId}/${i.InstanceId}`, name: tags.Name ?? i.InstanceId ?? '', ipAddress: i.PrivateIpAddress ?? '', state: STATES[i.State?.Name ?? ''] ?? 'error', tags, accountId };
  }

  async createNode(req: CreateNodeRequest): Promise<NodeResource> {
    const accountId = req.owner.accountId;
    if (!accountId) throw new ProviderError(ID, 'no_account', 'a node on AWS needs one of the organization\'s AWS accounts', false);
    const { account, client } = await this.account(accountId);
    try {
      const tags = { ...req.tags, Name: req.name };
      const script = await cloudInitUserData(req);
      const run = await client.send(
        new RunInstancesCommand({
          ImageId: account.network.imageId,
          // The flavor's instance type, as OCS's vcp_flavor.yml names it; EC2 checks it.
          InstanceType: req.spec.instanceType as _InstanceType | undefined,
          MinCount: 1,
          MaxCount: 1,
          // Idempotency: the same name again returns the instance made the first time.
          ClientToken: req.name,
          SubnetId: account.network.subnetId,
          SecurityGroupIds: [account.network.securityGroupId!],
          ...(req.ipAddress ? { PrivateIpAddress: req.ipAddress } : {}),
          UserData: Buffer.from(script).toString('base64'),
          InstanceMarketOptions: this.marketOptions(),
          TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
        }),
      );
      const instance = run.Instances?.[0];
      if (!instance?.InstanceId) throw new ProviderError(ID, 'no_instance', 'EC2 accepted RunInstances but named no instance', true);
      return this.resource(accountId, instance);
    } catch (e) {
      throw providerError(e, `creating node ${req.name}`);
    } finally {
      client.destroy();
    }
  }

  private async instance(resourceId: string): Promise<{ accountId: string; instanceId: string; client: EC2Client; found: Instance | null } | null> {
    const m = RESOURCE_ID.exec(resourceId);
    if (!m) return null;
    const [, accountId, instanceId] = m as unknown as [string, string, string];
    const { client } = await this.account(accountId);
    try {
      const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
      const found = out.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId) ?? null;
      return { accountId, instanceId, client, found };
    } catch (e) {
      if (ec2ErrorCode(e) === 'InvalidInstanceID.NotFound') return { accountId, instanceId, client, found: null };
      client.destroy();
      throw providerError(e, `describing ${instanceId}`);
    }
  }

  async describeNode(resourceId: string): Promise<NodeResource | null> {
    const at = await this.instance(resourceId);
    if (!at) return null;
    at.client.destroy();
    const gone = !at.found || ['shutting-down', 'terminated'].includes(at.found.State?.Name ?? '');
    return gone ? null : this.resource(at.accountId, at.found!);
  }

  /** Polls until the instance is in one of `states` (or gone, when that is what is wanted). */
  private async waitFor(client: EC2Client, instanceId: string, states: string[]): Promise<Instance | null> {
    for (const deadline = Date.now() + WAIT_MAX_MS; Date.now() < deadline; await sleep(waitEveryMs())) {
      const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })).catch((e: unknown) => {
        if (ec2ErrorCode(e) === 'InvalidInstanceID.NotFound') return null;
        throw e;
      });
      const found = out?.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId) ?? null;
      if (!found) return null;
      if (states.includes(found.State?.Name ?? '')) return found;
    }
    throw new ProviderError(ID, 'timeout', `instance ${instanceId} did not become ${states.join(' or ')} within ${WAIT_MAX_MS / 60_000} minutes`, true);
  }

  async powerOff(resourceId: string): Promise<void> {
    const at = await this.instance(resourceId);
    if (!at?.found) throw new ProviderError(ID, 'not_found', `there is no instance ${resourceId}`, false);
    try {
      await at.client.send(new StopInstancesCommand({ InstanceIds: [at.instanceId] }));
      await this.waitFor(at.client, at.instanceId, ['stopped']);
    } catch (e) {
      throw providerError(e, `stopping ${at.instanceId}`);
    } finally {
      at.client.destroy();
    }
  }

  async powerOn(resourceId: string): Promise<NodeResource> {
    const at = await this.instance(resourceId);
    if (!at?.found) throw new ProviderError(ID, 'not_found', `there is no instance ${resourceId}`, false);
    try {
      // A stop still under way must end before the instance can start.
      if (at.found.State?.Name === 'stopping') await this.waitFor(at.client, at.instanceId, ['stopped']);
      await at.client.send(new StartInstancesCommand({ InstanceIds: [at.instanceId] }));
      return this.resource(at.accountId, (await this.waitFor(at.client, at.instanceId, ['running']))!);
    } catch (e) {
      throw providerError(e, `starting ${at.instanceId}`);
    } finally {
      at.client.destroy();
    }
  }

  async deleteNode(resourceId: string): Promise<void> {
    const at = await this.instance(resourceId);
    if (!at) return;
    try {
      if (!at.found || at.found.State?.Name === 'terminated') return;
      await at.client.send(new TerminateInstancesCommand({ InstanceIds: [at.instanceId] }));
      // Teardown ends when the instance is gone, so a unit group's deletion leaves none behind.
      await this.waitFor(at.client, at.instanceId, ['terminated']);
    } catch (e) {
      throw providerError(e, `terminating ${at.instanceId}`);
    } finally {
      at.client.destroy();
    }
  }

  /** The instances (not terminated) carrying all of `tags`, in the accounts that may hold them. */
  async listResources(tags: Record<string, string>): Promise<NodeResource[]> {
    const found: NodeResource[] = [];
    for (const id of await accountsHolding(this.db(), this.id, tags)) found.push(...(await this.listAccountResources(id, tags)));
    return found;
  }

  async listAccountResources(accountId: string, tags: Record<string, string>): Promise<NodeResource[]> {
    const filters: Filter[] = [
      ...Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] })),
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ];
    const { client } = await this.account(accountId);
    const found: NodeResource[] = [];
    try {
      // An account may hold more instances than one page: follow NextToken to the end.
      for (let NextToken: string | undefined; ; ) {
        const out = await client.send(new DescribeInstancesCommand({ Filters: filters, MaxResults: 1000, ...(NextToken ? { NextToken } : {}) }));
        for (const i of out.Reservations?.flatMap((r) => r.Instances ?? []) ?? []) found.push(this.resource(accountId, i));
        NextToken = out.NextToken;
        if (!NextToken) return found;
      }
    } catch (e) {
      throw providerError(e, 'listing instances');
    } finally {
      client.destroy();
    }
  }
}
