// How the driver talks to one OCI account: the official SDK's Compute and VirtualNetwork clients,
// signing every request with the account's API key, on the region's endpoint (or OCS_OCI_ENDPOINT,
// read when a client is made, so tests point it at the local Core Services). Calls are retried by
// lib/providers/http.ts's withRetry while they fail transiently (errors.ts: 429 and 5xx by status,
// or no answer): one retry policy and one set of knobs for every driver. The SDK's own retrier is
// off so the two never multiply, and its circuit breaker too, which would refuse calls on its own
// after a run of failures (a capacity shortage, say) that the caller must see as what they are.
import { ComputeClient, VirtualNetworkClient } from 'oci-core';
import { CircuitBreaker, NoRetryConfigurationDetails, SimpleAuthenticationDetailsProvider, type ClientConfiguration } from 'oci-common';
import { withRetry } from '../http';
import { asError, isTransient } from './errors';

export interface OciAccountSettings {
  /** As ACCOUNT_FIELDS.oracle: tenancyId, userId, fingerprint, privateKey (PEM). */
  credentials: Record<string, string>;
  region: string | null;
  /** compartmentId, subnetId, availabilityDomain, imageId. */
  network: Record<string, string>;
}

export class OciCloud {
  readonly compute: ComputeClient;
  readonly network: VirtualNetworkClient;

  constructor(readonly settings: OciAccountSettings) {
    const c = settings.credentials;
    const authenticationDetailsProvider = new SimpleAuthenticationDetailsProvider(c.tenancyId!, c.userId!, c.fingerprint!, c.privateKey!, null);
    const configuration: ClientConfiguration = { retryConfiguration: NoRetryConfigurationDetails, circuitBreaker: new CircuitBreaker({ disableClientCircuitBreaker: true }) };
    this.compute = new ComputeClient({ authenticationDetailsProvider }, configuration);
    this.network = new VirtualNetworkClient({ authenticationDetailsProvider }, configuration);
    const endpoint = process.env.OCS_OCI_ENDPOINT;
    for (const client of [this.compute, this.network]) {
      // A region id the SDK does not know yet is taken as one of the commercial realm (oraclecloud.com).
      client.regionId = settings.region!;
      if (endpoint) client.endpoint = endpoint;
    }
  }

  get tenancyId(): string {
    return this.settings.credentials.tenancyId!;
  }

  /** One call, again after a jittered pause while it fails transiently. */
  call<T>(op: () => Promise<T>): Promise<T> {
    return withRetry(() => op().catch((e: unknown) => Promise.reject(asError(e))), { transient: isTransient });
  }

  /** Every item of a listing, page by page as OCI's opc-next-page says. */
  async all<T>(list: (page: string | undefined) => Promise<{ items: T[]; opcNextPage?: string }>): Promise<T[]> {
    const items: T[] = [];
    for (let page: string | undefined; ; ) {
      const answer = await this.call(() => list(page));
      items.push(...answer.items);
      page = answer.opcNextPage;
      if (!page) return items;
    }
  }
}
