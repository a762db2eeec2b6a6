// The contract every provider (local, aws, azure, …) implements. It mirrors the VCP SDK:
// a spec is built from (provider, flavor) and overridden per unit; a provider turns one spec
// into nodes and answers for them by their resource id.
import { withAdvice } from './explained';

export type Localized = { ja: string; en: string };

/** A named preset of spec values, as in OCS's vcp_flavor.yml. */
export interface Flavor {
  name: string;
  label: Localized;
  /** Provider-specific sizing (instance_type, volume_size, cpus, memory_mb, …). */
  values: Record<string, string | number>;
}

/** The per-unit spec (OCS "CCI"): what every node of a unit is made from. */
export interface NodeSpec {
  provider: string;
  flavor: string;
  numNodes: number;
  /** Base image of the node (OCS base container image). */
  image: string;
  instanceType?: string;
  volumeSize?: number;
  /** Fixed private addresses; when given, their count equals numNodes. */
  ipAddresses?: string[];
  sshPublicKey?: string;
  tags: Record<string, string>;
}

/** What forms, plans, prices and validation need to know of a provider, without loading its driver. */
export interface ProviderInfo {
  id: string;
  label: Localized;
  flavors: Flavor[];
  /** The region prices are looked up in (templates/prices.yaml). */
  region: string;
  /** Whether builds can create nodes here: its driver has landed (lib/providers/registry.ts). */
  available: boolean;
  /** Why not, when it is not. */
  unavailableReason?: Localized;
  /** Its nodes can be powered off and on again, keeping their disks. */
  power?: boolean;
  /** Whose accounts its nodes are made in, when another provider's (aws_spot: aws). */
  accountsOf?: string;
  /** A node can be given its address (the VCP SDK's fixed IPs): its driver passes it on. */
  fixedIps?: boolean;
  /** Its room runs out (the lab's servers): a unit here may overflow to a cloud (lib/burst). */
  overflows?: boolean;
  /** Its nodes are processes on the portal's own machine: they reach each other on loopback, without a private network. */
  onPortalMachine?: boolean;
}

export type ResourceState = 'booting' | 'running' | 'stopped' | 'error';

/** What a provider knows about one node it manages. */
export interface NodeResource {
  /** Stable id the provider uses for this node (local: the node name; aws: instance id). */
  resourceId: string;
  /** Deterministic name given at creation: the idempotency key. */
  name: string;
  ipAddress: string;
  state: ResourceState;
  tags: Record<string, string>;
  /** The provider account it is in (clouds), so a leak is shown to that account's organization. */
  accountId?: string;
  /** Why the node is in 'error', in words a person understands. */
  reason?: string;
}

/** How a node's agent finds the portal and proves who it is the first time (agent/protocol.ts). */
export interface AgentBootstrap {
  portalUrl: string;
  /** One-time, bound to this node; the provider hands it to the agent and nowhere else. */
  bootstrapToken: string;
}

export interface CreateNodeRequest {
  /** Deterministic name (e.g. `ocs-<nodeId>`): creating the same name twice returns the same node. */
  name: string;
  spec: NodeSpec;
  /** A fixed address for this node, picked from spec.ipAddresses. */
  ipAddress?: string;
  /**
   * Tags written on the resource so leaks can be found: ocs.install (lib/providers/installation.ts),
   * ocs.organizationId, ocs.unitGroupId, ocs.unitId, ocs.nodeId, ocs.buildId and the unit's own.
   * A provider without tags names the resource so these can be read back.
   */
  tags: Record<string, string>;
  /** The agent to start on the machine. A node whose agent already registered keeps its credential. */
  agent: AgentBootstrap;
  /** Whose node it is: where it may be placed (an organization's servers, its cloud account). */
  owner: { organizationId: string; unitGroupId: string; nodeId: string; accountId?: string };
}

export interface Provider {
  readonly id: string;
  readonly label: Localized;
  flavors(): Flavor[];
  /**
   * Create a node, or return the existing one with that name (idempotent), and start its agent.
   * Resolves once the machine exists and its agent was started; the node is up when the agent
   * dials home (lib/agent-channel).
   */
  createNode(req: CreateNodeRequest): Promise<NodeResource>;
  /** null when the provider has no such node. */
  describeNode(resourceId: string): Promise<NodeResource | null>;
  /** Stop the node but keep its disk/state. Idempotent. */
  powerOff(resourceId: string): Promise<void>;
  /** Start a stopped node again, with its agent; the agent dials home with the credential it has. Idempotent. */
  powerOn(resourceId: string): Promise<NodeResource>;
  /** Remove the node and everything it holds. Idempotent: a node already gone is not an error. */
  deleteNode(resourceId: string): Promise<void>;
  /** Every node this provider manages whose tags include all the given ones. */
  listResources(tags: Record<string, string>): Promise<NodeResource[]>;
}

/** A provider whose nodes live in organizations' cloud accounts: the leak sweeper lists each account on its own. */
export interface AccountProvider extends Provider {
  /** The account's machines (not deleted) carrying all of `tags`. */
  listAccountResources(accountId: string, tags: Record<string, string>): Promise<NodeResource[]>;
}

export function isAccountProvider(p: Provider): p is AccountProvider {
  return typeof (p as Partial<AccountProvider>).listAccountResources === 'function';
}

/**
 * A provider failure; `retryable` says whether trying the same call again may succeed. With
 * `advice` (what the provider's code means and what to do next), the message carries it in
 * Japanese and English after `detail`, so every record of the failure explains it (explained.ts).
 */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly code: string,
    detail: string,
    readonly retryable: boolean,
    readonly advice?: Localized,
  ) {
    super(advice ? withAdvice(detail, advice) : detail);
    this.name = 'ProviderError';
  }
}
