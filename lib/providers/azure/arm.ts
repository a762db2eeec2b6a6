// How the driver reaches one Azure subscription: a service principal's client secret through
// @azure/identity, and the official Compute and Network clients of Azure Resource Manager. Both are
// kept per credentials for the life of the process, so the token Entra ID gave is reused until it is
// due (msal caches it in the credential). OCS_AZURE_AUTHORITY_HOST and OCS_AZURE_ARM_ENDPOINT send
// sign-in and ARM elsewhere (a private cloud, the tests' local ARM). The clients' pipelines retry
// throttling (429 with Retry-After, honoured) and 5xx with exponential backoff.
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { ClientSecretCredential } from '@azure/identity';
import { createHash } from 'node:crypto';

export interface Arm {
  subscriptionId: string;
  credential: ClientSecretCredential;
  /** The token audience: ARM's own URL. */
  scope: string;
  compute: ComputeManagementClient;
  network: NetworkManagementClient;
}

const clients = new Map<string, Arm>();

/** How long-running operations are polled when ARM names no Retry-After. */
export const lroOptions = () => ({ updateIntervalInMs: Number(process.env.OCS_AZURE_POLL_MS ?? 5000) });

/** The clients for `credentials` (ACCOUNT_FIELDS.azure: tenantId, clientId, clientSecret, subscriptionId). */
export function armClients(credentials: Record<string, string>): Arm {
  const { tenantId, clientId, clientSecret, subscriptionId } = credentials as Record<'tenantId' | 'clientId' | 'clientSecret' | 'subscriptionId', string>;
  const authorityHost = process.env.OCS_AZURE_AUTHORITY_HOST;
  const endpoint = (process.env.OCS_AZURE_ARM_ENDPOINT ?? 'https://management.azure.com').replace(/\/+$/, '');
  const key = createHash('sha256').update(JSON.stringify([tenantId, clientId, clientSecret, subscriptionId, authorityHost, endpoint])).digest('hex');
  let arm = clients.get(key);
  if (!arm) {
    // Another authority than Entra ID's own cannot be validated against Entra's instance list.
    const credential = new ClientSecretCredential(tenantId, clientId, clientSecret, authorityHost ? { authorityHost, disableInstanceDiscovery: true } : {});
    const scope = `${endpoint}/.default`;
    const retryOptions = { maxRetries: Number(process.env.OCS_AZURE_MAX_RETRIES ?? 4), retryDelayInMs: Number(process.env.OCS_AZURE_RETRY_MS ?? 1000), maxRetryDelayInMs: 30_000 };
    arm = {
      subscriptionId,
      credential,
      scope,
      compute: new ComputeManagementClient(credential, subscriptionId, { endpoint, credentials: { scopes: [scope] }, retryOptions }),
      // This client builds request URLs from $host, and its token audience from credentialScopes.
      network: new NetworkManagementClient(credential, subscriptionId, { endpoint, $host: endpoint, credentialScopes: [scope], retryOptions }),
    };
    clients.set(key, arm);
  }
  return arm;
}

/** The id ARM gives a subnet, as a NIC refers to it. */
export function subnetId(subscriptionId: string, network: Record<string, string>): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${network.resourceGroup}/providers/Microsoft.Network/virtualNetworks/${network.virtualNetwork}/subnets/${network.subnet}`;
}

/** A resource's name: the last segment of its ARM id. */
export const nameOf = (id: string) => id.slice(id.lastIndexOf('/') + 1);
