import type { TESTABLE_PROVIDERS } from './account-fields';
import type { Localized } from './types';

// The connection test (接続テスト) of a provider account: a cheap authenticated read with its
// credentials, and a look for the network it names. One per provider with a driver.

export interface CheckedAccount {
  /** Set once the account is stored: a provider that rotates its credentials on every call (mdx) keeps the new ones there. */
  id?: string;
  provider: string;
  region: string | null;
  network: Record<string, string>;
  credentials: Record<string, string>;
}

export interface AccountCheck {
  ok: boolean;
  /** The provider's error code, when it refused. */
  code: string | null;
  /** What happened, in the provider's words. */
  message: string;
  /** What to do next, when it failed. */
  advice?: Localized;
}

type Checker = (account: CheckedAccount) => Promise<AccountCheck>;

// Loaded on use: a driver's SDK is only brought in where an account of its provider is tested.
// Its keys are TESTABLE_PROVIDERS (lib/providers/account-fields.ts), which the page reads.
const CHECKERS: Record<(typeof TESTABLE_PROVIDERS)[number], () => Promise<Checker>> = {
  aws: async () => (await import('./aws/account-check')).checkAwsAccount,
  azure: async () => (await import('./azure/account-check')).checkAzureAccount,
  sakura: async () => (await import('./sakura/account-check')).checkSakuraAccount,
  mdx: async () => (await import('./mdx/account-check')).checkMdxAccount,
  openstack: async () => (await import('./openstack/account-check')).checkOpenStackAccount,
  oracle: async () => (await import('./oracle/account-check')).checkOracleAccount,
  vmware: async () => (await import('./vmware/account-check')).checkVmwareAccount,
};

/** The provider's connection test, or null while it has no driver. */
export async function accountChecker(provider: string): Promise<Checker | null> {
  const load = CHECKERS[provider as keyof typeof CHECKERS];
  return load ? load() : null;
}
