import { CLOUD_PROVIDERS } from './clouds';
import { LOCAL_PROVIDER } from './local/flavors';
import { ONPREMISES_PROVIDER } from './onpremises/flavors';
import type { NodeSpec, ProviderInfo } from './types';

/** The base image nodes run unless a template names another (OCS's base container). */
export const DEFAULT_IMAGE = 'ocs/base:1.0';

// The one catalog of providers and their flavors: forms, plans, prices, templates and validation
// read it; only workers load the drivers (lib/providers/registry.ts), which spawn processes and
// call clouds. A provider without a driver is listed with the reason it is not available.
const PROVIDERS: ProviderInfo[] = [LOCAL_PROVIDER, ONPREMISES_PROVIDER, ...CLOUD_PROVIDERS];

/** Every provider, available or not. */
export function providerCatalog(): ProviderInfo[] {
  return PROVIDERS;
}

/** Whether nodes of the provider can be powered off and on again. */
export function canPowerNodes(providerId: string): boolean {
  return findProvider(providerId)?.power === true;
}

/** Whether nodes of the provider are processes on the portal's own machine (local): nobody logs in to them over SSH. */
export function onPortalMachine(providerId: string): boolean {
  return findProvider(providerId)?.onPortalMachine === true;
}

/** Whether nodes of the provider join their unit group's private network (lib/overlay): all but the portal's own machine's. */
export function joinsOverlay(providerId: string): boolean {
  return findProvider(providerId)?.onPortalMachine !== true;
}

/** The provider whose accounts nodes of `providerId` are made in: its own, or the one it names (aws_spot: aws). */
export function accountProviderOf(providerId: string): string {
  return findProvider(providerId)?.accountsOf ?? providerId;
}

/** Whether a unit on the provider may carry a burst policy: its room runs out, a cloud's does not. */
export function canOverflow(providerId: string): boolean {
  return findProvider(providerId)?.overflows === true;
}

/** Whether a node of the provider can be given its address (add_nodes with ip_addresses). */
export function hasFixedIps(providerId: string): boolean {
  return findProvider(providerId)?.fixedIps === true;
}

/** Whether the provider is one of the clouds (made in an organization's account), not the portal's machine or the lab's servers. */
export function isCloud(providerId: string): boolean {
  return CLOUD_PROVIDERS.some((p) => p.id === providerId);
}

/** The providers builds can create nodes on. */
export function availableProviders(): ProviderInfo[] {
  return PROVIDERS.filter((p) => p.available);
}

export function findProvider(id: string): ProviderInfo | undefined {
  return PROVIDERS.find((p) => p.id === id);
}

/**
 * As the VCP SDK's get_spec(provider, flavor): a spec pre-filled from the flavor, for a unit to
 * override (node count, image, addresses, tags).
 */
export function getSpec(providerId: string, flavorName: string): NodeSpec {
  const provider = findProvider(providerId);
  const flavor = provider?.flavors.find((f) => f.name === flavorName);
  if (!provider || !flavor) throw new Error(`No flavor "${flavorName}" for provider "${providerId}"`);
  const { instance_type: instanceType, volume_size: volumeSize } = flavor.values;
  return {
    provider: provider.id,
    flavor: flavor.name,
    numNodes: 1,
    image: DEFAULT_IMAGE,
    instanceType: typeof instanceType === 'string' ? instanceType : undefined,
    volumeSize: typeof volumeSize === 'number' ? volumeSize : undefined,
    ipAddresses: [],
    tags: {},
  };
}
