// The `oracle` provider: a node is an OCI compute instance in the organization's compartment (its
// availability domain, subnet and image), its display name the node's name and its freeform tags
// the node's tags. Its user data (metadata.user_data) installs and starts the node agent
// (lib/providers/cloud-init.ts), which then dials home. A create first looks for the instance made
// for the node before (display name and ocs.nodeId, which outlives OCI's 24-hour retry tokens, as
// a build retried days later needs), else launches with an opc-retry-token derived from the node:
// a launch repeated after a crash or a lost answer returns the instance made the first time.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, isNull } from 'drizzle-orm';
import type { models } from 'oci-core';
import type { Database } from '@/lib/db/client';
import { providerAccounts } from '@/lib/db/schema';
import { openProviderCredentials } from '@/lib/secrets/provider-credentials';
import { accountsHolding } from '../account-scope';
import { findProvider } from '../catalog';
import { cloudInitUserData } from '../cloud-init';
import { ProviderError, type AccountProvider, type CreateNodeRequest, type Flavor, type NodeResource, type ResourceState } from '../types';
import { OciDriverError, isOciError, ociFailure, ociMessage } from './errors';
import { OciCloud } from './oci-cloud';

const ID = 'oracle';
/** "<account id>/<instance OCID>": which account the instance is in, and which instance. */
const RESOURCE_ID = /^([0-9a-f-]{36})\/(ocid1\.instance\.[a-z0-9.-]+)$/;
/** Read when used, so a test can set it after loading the driver. */
const waitEveryMs = () => Number(process.env.OCS_OCI_POLL_MS ?? 3000);
const WAIT_MAX_MS = 10 * 60_000;
/** SOFTSTOP gives the OS up to 15 minutes before OCI powers the instance off itself. */
const STOP_MAX_MS = 20 * 60_000;
/** Tokens tried for one node's launch: each next one only after OCI spent the one before (its instance was terminated). */
const TOKEN_GENERATIONS = 5;

/** OCI's instance lifecycle states as node states; MOVING and CREATING_IMAGE come back to RUNNING. */
const STATES: Record<string, ResourceState> = {
  PROVISIONING: 'booting',
  STARTING: 'booting',
  MOVING: 'booting',
  CREATING_IMAGE: 'booting',
  RUNNING: 'running',
  STOPPING: 'stopped',
  STOPPED: 'stopped',
};
const GONE = ['TERMINATING', 'TERMINATED'];

type Instance = models.Instance;
const stateOf = (i: Instance) => String(i.lifecycleState);

/** An OCI failure as a provider error: its status and code decide whether to retry and what to tell people. */
function providerError(e: unknown, doing: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const { code, retryable, advice } = ociFailure(e);
  return new ProviderError(ID, code, `${doing}: OCI ${code} (${ociMessage(e)})`, retryable, advice);
}

/** The launch's opc-retry-token: the same for every try of one node's launch (OCI takes up to 64 characters). */
function retryToken(req: CreateNodeRequest, generation: number): string {
  return `ocs-${createHash('sha256').update(`${req.name}/${req.owner.nodeId}/${generation}`).digest('hex').slice(0, 40)}`;
}

export class OracleProvider implements AccountProvider {
  readonly id = ID;
  readonly label = findProvider(ID)!.label;

  constructor(private readonly db: () => Database) {}

  flavors(): Flavor[] {
    return findProvider(ID)!.flavors;
  }

  private async account(accountId: string): Promise<{ accountId: string; cloud: OciCloud }> {
    const account = await this.db().query.providerAccounts.findFirst({ where: and(eq(providerAccounts.id, accountId), eq(providerAccounts.provider, ID), isNull(providerAccounts.removedAt)) });
    if (!account) throw new ProviderError(ID, 'no_account', `OCI account ${accountId} is not there any more: add the account again under クラウドアカウント (Cloud accounts)`, false);
    return { accountId, cloud: new OciCloud({ credentials: openProviderCredentials(account.id, account.credentials), region: account.region, network: account.network }) };
  }

  /** The instance's address: its primary VNIC's private IP (OCI keeps addresses on VNICs, not on the instance). */
  private async privateIp(cloud: OciCloud, i: Instance): Promise<string> {
    const attachments = await cloud.all((page) => cloud.compute.listVnicAttachments({ compartmentId: i.compartmentId, instanceId: i.id, page }));
    for (const a of attachments) {
      if (String(a.lifecycleState) !== 'ATTACHED' || !a.vnicId) continue;
      const { vnic } = await cloud.call(() => cloud.network.getVnic({ vnicId: a.vnicId! }));
      if (vnic.isPrimary) return vnic.privateIp ?? '';
    }
    return '';
  }

  private async resource(accountId: string, cloud: OciCloud, i: Instance): Promise<NodeResource> {
    const state = STATES[stateOf(i)] ?? 'error';
    const ipAddress = await this.privateIp(cloud, i);
    return { resourceId: `${accountId}/${i.id}`, name: i.displayName ?? i.id, ipAddress, state, tags: i.freeformTags ?? {}, accountId, ...(state === 'error' ? { reason: `OCI reports the instance ${stateOf(i)}` } : {}) };
  }

  /** The instance, or null once it is TERMINATED (or OCI no longer has it); a TERMINATING one is still there. */
  private async show(cloud: OciCloud, instanceId: string): Promise<Instance | null> {
    try {
      const { instance } = await cloud.call(() => cloud.compute.getInstance({ instanceId }));
      return stateOf(instance) === 'TERMINATED' ? null : instance;
    } catch (e) {
      if (isOciError(e, 404)) return null;
      throw e;
    }
  }

  private async at(resourceId: string): Promise<{ accountId: string; cloud: OciCloud; instanceId: string; instance: Instance | null } | null> {
    const m = RESOURCE_ID.exec(resourceId);
    if (!m) return null;
    const [, id, instanceId] = m as unknown as [string, string, string];
    const { accountId, cloud } = await this.account(id);
    try {
      return { accountId, cloud, instanceId, instance: await this.show(cloud, instanceId) };
    } catch (e) {
      throw providerError(e, `describing instance ${instanceId}`);
    }
  }

  /** Polls until `settled` holds for the instance (then it), or it is terminated (then null). */
  private async waitFor(cloud: OciCloud, instanceId: string, settled: (i: Instance) => boolean, maxMs = WAIT_MAX_MS): Promise<Instance | null> {
    for (const deadline = Date.now() + maxMs; Date.now() < deadline; await sleep(waitEveryMs())) {
      const instance = await this.show(cloud, instanceId);
      if (!instance || settled(instance)) return instance;
    }
    throw new ProviderError(ID, 'timeout', `instance ${instanceId} did not settle within ${maxMs / 60_000} minutes`, true);
  }

  /** The instance once it is in one of `states`. */
  private async reach(cloud: OciCloud, instanceId: string, states: string[], maxMs = WAIT_MAX_MS): Promise<Instance> {
    const instance = await this.waitFor(cloud, instanceId, (i) => states.includes(stateOf(i)) || GONE.includes(stateOf(i)), maxMs);
    if (!instance || GONE.includes(stateOf(instance))) throw new ProviderError(ID, 'not_found', `instance ${instanceId} was terminated before it became ${states.join(' or ')}`, false);
    return instance;
  }

  private async launchDetails(cloud: OciCloud, req: CreateNodeRequest): Promise<models.LaunchInstanceDetails> {
    const flavor = findProvider(ID)!.flavors.find((f) => f.name === req.spec.flavor)?.values ?? {};
    // The unit's own instance type, else the flavor's (vcp_flavor.yml's shape).
    const shape = req.spec.instanceType ?? flavor.shape;
    if (typeof shape !== 'string') throw new OciDriverError('InvalidParameter', `flavor ${req.spec.flavor} names no OCI shape`);
    const { compartmentId, availabilityDomain, subnetId, imageId } = cloud.settings.network;
    if (!imageId) throw new OciDriverError('ImageNotSet', 'the account names no image for nodes (imageId)');
    const bootVolumeSizeInGBs = req.spec.volumeSize ?? Number(flavor.boot_volume_size_in_gbs);
    return {
      availabilityDomain: availabilityDomain!,
      compartmentId: compartmentId!,
      shape,
      displayName: req.name,
      sourceDetails: { sourceType: 'image', imageId, ...(bootVolumeSizeInGBs ? { bootVolumeSizeInGBs } : {}) },
      createVnicDetails: { subnetId, ...(req.ipAddress ? { privateIp: req.ipAddress } : {}) },
      metadata: { user_data: Buffer.from(await cloudInitUserData(req)).toString('base64') },
      freeformTags: req.tags,
    };
  }

  /**
   * Whether OCI's compute capacity report says the account's availability domain has no host for
   * `shape`. OCI answers a launch without capacity with the generic 500 InternalError, telling the
   * case only in its message ("Out of host capacity."); the report is OCI's structured answer to
   * the same question. A report that cannot be had (no policy for it, say) leaves the InternalError.
   */
  private async outOfCapacity(cloud: OciCloud, shape: string): Promise<boolean> {
    try {
      const { computeCapacityReport: report } = await cloud.call(() =>
        cloud.compute.createComputeCapacityReport({
          // The report is asked of the root compartment: the tenancy.
          createComputeCapacityReportDetails: { compartmentId: cloud.tenancyId, availabilityDomain: cloud.settings.network.availabilityDomain!, shapeAvailabilities: [{ instanceShape: shape }] },
        }),
      );
      return report.shapeAvailabilities.some((s) => String(s.availabilityStatus) === 'OUT_OF_HOST_CAPACITY');
    } catch {
      return false;
    }
  }

  /** The live instance made for this node before: its display name and ocs.nodeId. */
  private async earlier(cloud: OciCloud, req: CreateNodeRequest): Promise<Instance | undefined> {
    const named = await cloud.all((page) => cloud.compute.listInstances({ compartmentId: cloud.settings.network.compartmentId!, displayName: req.name, page }));
    return named.find((i) => !GONE.includes(stateOf(i)) && i.freeformTags?.['ocs.nodeId'] === req.owner.nodeId);
  }

  /**
   * Launches the node's instance; the token makes every try (the retries of cloud.call too) the same
   * launch. An InternalError is looked into before it is tried again: without host capacity, trying
   * again does not help, and the launch stops at once.
   */
  private async launch(cloud: OciCloud, req: CreateNodeRequest): Promise<Instance> {
    const launchInstanceDetails = await this.launchDetails(cloud, req);
    const once = (generation: number) =>
      cloud.compute.launchInstance({ launchInstanceDetails, opcRetryToken: retryToken(req, generation) }).catch(async (e: unknown) => {
        if (isOciError(e, 500, 'InternalError') && (await this.outOfCapacity(cloud, launchInstanceDetails.shape!)))
          throw new OciDriverError('OutOfHostCapacity', `${ociMessage(e)} OCI's capacity report for ${launchInstanceDetails.shape} in ${launchInstanceDetails.availabilityDomain} says OUT_OF_HOST_CAPACITY`);
        throw e;
      });
    for (let generation = 0; generation < TOKEN_GENERATIONS; generation++) {
      try {
        const { instance } = await cloud.call(() => once(generation));
        // A token whose instance is terminated is spent, whether OCI refuses it or answers with that instance.
        if (!GONE.includes(stateOf(instance))) return instance;
      } catch (e) {
        if (isOciError(e, 409, 'InvalidatedRetryToken')) continue;
        throw e;
      }
    }
    throw new OciDriverError('LaunchFailed', `the last ${TOKEN_GENERATIONS} instances launched for ${req.name} were terminated`, true);
  }

  async createNode(req: CreateNodeRequest): Promise<NodeResource> {
    const accountId = req.owner.accountId;
    if (!accountId) throw new ProviderError(ID, 'no_account', "a node on OCI needs one of the organization's OCI accounts", false);
    const { cloud } = await this.account(accountId);
    try {
      const instance = (await this.earlier(cloud, req)) ?? (await this.launch(cloud, req));
      // The agent is started by the user data while OCI provisions the instance: RUNNING means it ran.
      const settled = await this.waitFor(cloud, instance.id, (i) => STATES[stateOf(i)] !== 'booting');
      if (!settled || GONE.includes(stateOf(settled))) throw new OciDriverError('LaunchFailed', `instance ${instance.id} was terminated while it was being launched`, true);
      return await this.resource(accountId, cloud, settled);
    } catch (e) {
      throw providerError(e, `creating node ${req.name}`);
    }
  }

  async describeNode(resourceId: string): Promise<NodeResource | null> {
    const at = await this.at(resourceId);
    if (!at?.instance || GONE.includes(stateOf(at.instance))) return null;
    try {
      return await this.resource(at.accountId, at.cloud, at.instance);
    } catch (e) {
      throw providerError(e, `describing instance ${at.instanceId}`);
    }
  }

  async powerOff(resourceId: string): Promise<void> {
    const at = await this.at(resourceId);
    if (!at?.instance || GONE.includes(stateOf(at.instance))) throw new ProviderError(ID, 'not_found', `there is no instance ${resourceId}`, false);
    const { cloud, instanceId } = at;
    try {
      // An action needs a settled instance: one still launching, starting or stopping is waited for.
      const settled = await this.reach(cloud, instanceId, ['RUNNING', 'STOPPED'], STOP_MAX_MS);
      // SOFTSTOP: the OS shuts down (the agent stops its applications), and OCI itself powers the
      // instance off after 15 minutes if it has not, so no STOP of the driver's own is needed.
      if (stateOf(settled) === 'RUNNING') await cloud.call(() => cloud.compute.instanceAction({ instanceId, action: 'SOFTSTOP' }));
      await this.reach(cloud, instanceId, ['STOPPED'], STOP_MAX_MS);
    } catch (e) {
      throw providerError(e, `stopping instance ${instanceId}`);
    }
  }

  async powerOn(resourceId: string): Promise<NodeResource> {
    const at = await this.at(resourceId);
    if (!at?.instance || GONE.includes(stateOf(at.instance))) throw new ProviderError(ID, 'not_found', `there is no instance ${resourceId}`, false);
    const { accountId, cloud, instanceId } = at;
    try {
      const settled = await this.reach(cloud, instanceId, ['RUNNING', 'STOPPED'], STOP_MAX_MS);
      if (stateOf(settled) === 'STOPPED') await cloud.call(() => cloud.compute.instanceAction({ instanceId, action: 'START' }));
      return await this.resource(accountId, cloud, await this.reach(cloud, instanceId, ['RUNNING']));
    } catch (e) {
      throw providerError(e, `starting instance ${instanceId}`);
    }
  }

  async deleteNode(resourceId: string): Promise<void> {
    const at = await this.at(resourceId);
    if (!at?.instance) return;
    const { cloud, instanceId } = at;
    try {
      if (stateOf(at.instance) !== 'TERMINATING') {
        await cloud.call(() => cloud.compute.terminateInstance({ instanceId, preserveBootVolume: false })).catch((e: unknown) => {
          if (!isOciError(e, 404)) throw e;
        });
      }
      // Teardown ends when the instance is TERMINATED, so a unit group's deletion leaves none behind.
      await this.waitFor(cloud, instanceId, () => false);
    } catch (e) {
      throw providerError(e, `terminating instance ${instanceId}`);
    }
  }

  /** The instances (not terminated) carrying all of `tags`, in the accounts that may hold them. */
  async listResources(tags: Record<string, string>): Promise<NodeResource[]> {
    const found: NodeResource[] = [];
    for (const id of await accountsHolding(this.db(), ID, tags)) found.push(...(await this.listAccountResources(id, tags)));
    return found;
  }

  async listAccountResources(accountId: string, tags: Record<string, string>): Promise<NodeResource[]> {
    const { cloud } = await this.account(accountId);
    try {
      // ListInstances filters by name and state but not by tags: matched here.
      const instances = await cloud.all((page) => cloud.compute.listInstances({ compartmentId: cloud.settings.network.compartmentId!, page }));
      const tagged = instances.filter((i) => !GONE.includes(stateOf(i)) && Object.entries(tags).every(([k, v]) => i.freeformTags?.[k] === v));
      return await Promise.all(tagged.map((i) => this.resource(accountId, cloud, i)));
    } catch (e) {
      throw providerError(e, 'listing instances');
    }
  }
}
