import { LOCAL_PROVIDER } from './local/flavors';
import type { ProviderInfo } from './types';

// Providers a build may target and their flavors. Pages and validation read this; only workers
// load the drivers (lib/providers/registry.ts), which spawn processes and call clouds.
const PROVIDERS: ProviderInfo[] = [LOCAL_PROVIDER];

export function providerCatalog(): ProviderInfo[] {
  return PROVIDERS;
}

export function findProvider(id: string): ProviderInfo | undefined {
  return PROVIDERS.find((p) => p.id === id);
}
