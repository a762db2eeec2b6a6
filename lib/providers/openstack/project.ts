// How the driver talks to one OpenStack project: a Keystone v3 password token scoped to it, and
// JSON calls to the public endpoints its service catalog lists for the account's region. The token
// is kept for every driver instance of this process (keyed by credentials and region) until
// shortly before its expires_at, and asked for again once when a service answers 401 (revoked, or
// the cloud's clock disagrees). Calls are retried while they fail transiently (lib/providers/http.ts).
import { createHash } from 'node:crypto';
import { HttpStatusError, requestJson, withRetry } from '../http';
import { OpenStackError, openStackBodyCode } from './errors';

export type Service = 'compute' | 'network' | 'image';
type Method = 'GET' | 'POST' | 'DELETE';

export interface ProjectSettings {
  /** As ACCOUNT_FIELDS.openstack: authUrl, username, password, projectName, userDomain, projectDomain. */
  credentials: Record<string, string>;
  region: string | null;
}

interface CatalogEndpoint {
  interface: string;
  region?: string | null;
  region_id?: string | null;
  url: string;
}

interface Token {
  value: string;
  expiresAt: number;
  catalog: { type: string; endpoints: CatalogEndpoint[] }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REFRESH_BEFORE_MS = 5 * 60_000;
const TIMEOUT_MS = 60_000;

const tokens = new Map<string, Promise<Token>>();
const networkNames = new Map<string, Promise<string>>();

/** Keystone's v3 root: an OS_AUTH_URL is often given without its version. */
function identityUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, '');
  return base.endsWith('/v3') ? base : `${base}/v3`;
}

async function authenticate({ credentials: c }: ProjectSettings): Promise<Token> {
  const domain = (name: string | undefined) => ({ name: name ?? 'Default' });
  const res = await requestJson<{ token: { expires_at: string; catalog?: Token['catalog'] } }>(
    {
      method: 'POST',
      url: `${identityUrl(c.authUrl!)}/auth/tokens`,
      timeoutMs: TIMEOUT_MS,
      body: {
        auth: {
          identity: { methods: ['password'], password: { user: { name: c.username, domain: domain(c.userDomain), password: c.password } } },
          scope: { project: { name: c.projectName, domain: domain(c.projectDomain) } },
        },
      },
    },
    openStackBodyCode,
  );
  const value = res.headers.get('x-subject-token');
  if (!value) throw new OpenStackError('NotKeystone', `${c.authUrl} answered without a token (X-Subject-Token): is it Keystone's v3 URL?`);
  return { value, expiresAt: Date.parse(res.body.token.expires_at), catalog: res.body.token.catalog ?? [] };
}

export class OpenStackProject {
  private readonly key: string;

  constructor(private readonly settings: ProjectSettings) {
    const c = settings.credentials;
    this.key = createHash('sha256')
      .update(JSON.stringify([c.authUrl, c.username, c.password, c.userDomain, c.projectName, c.projectDomain, settings.region]))
      .digest('hex');
  }

  /** A new token in place of `stale`; callers holding the same stale one share the first renewal. */
  private renew(stale: Promise<Token> | undefined): Promise<Token> {
    const current = tokens.get(this.key);
    if (current && current !== stale) return current;
    const fresh = authenticate(this.settings);
    tokens.set(this.key, fresh);
    fresh.catch(() => {
      if (tokens.get(this.key) === fresh) tokens.delete(this.key);
    });
    return fresh;
  }

  private endpoint(token: Token, service: Service): string {
    const region = this.settings.region;
    const offered = token.catalog.filter((e) => e.type === service).flatMap((e) => e.endpoints.filter((p) => p.interface === 'public'));
    const regions = [...new Set(offered.map((p) => p.region_id ?? p.region ?? ''))];
    if (!region && regions.length > 1) throw new OpenStackError('EndpointNotFound', `the catalog lists ${service} in regions ${regions.join(', ')}: name one as the account's region`);
    const url = offered.find((p) => !region || (p.region_id ?? p.region) === region)?.url;
    if (!url) throw new OpenStackError('EndpointNotFound', `the service catalog has no public ${service} endpoint${region ? ` in region ${region}` : ''}`);
    return url.replace(/\/+$/, '');
  }

  private async send<T>(token: Token, service: Service, method: Method, path: string, body: unknown): Promise<T> {
    const req = { method, url: `${this.endpoint(token, service)}${path}`, headers: { 'x-auth-token': token.value }, body, timeoutMs: TIMEOUT_MS };
    return (await requestJson<T>(req, openStackBodyCode)).body;
  }

  /**
   * One call to a service. `once`: not retried here, for a call whose repeat could do the work
   * twice (the caller retries what is safe to repeat).
   */
  call<T>(service: Service, method: Method, path: string, options: { body?: unknown; once?: boolean } = {}): Promise<T> {
    const attempt = async () => {
      let held = tokens.get(this.key) ?? this.renew(undefined);
      let token = await held;
      if (token.expiresAt - Date.now() < REFRESH_BEFORE_MS) token = await (held = this.renew(held));
      try {
        return await this.send<T>(token, service, method, path, options.body);
      } catch (e) {
        if (!(e instanceof HttpStatusError && e.status === 401)) throw e;
        return this.send<T>(await this.renew(held), service, method, path, options.body);
      }
    };
    return options.once ? attempt() : withRetry(attempt);
  }

  /** Every item of a Nova collection, page by page as its `<key>_links` next link says. */
  async list<T>(path: string, key: string): Promise<T[]> {
    const items: T[] = [];
    for (let page = path; ; ) {
      const body = await this.call<Record<string, unknown>>('compute', 'GET', page);
      items.push(...((body[key] as T[] | undefined) ?? []));
      const next = (body[`${key}_links`] as { rel: string; href: string }[] | undefined)?.find((l) => l.rel === 'next');
      if (!next) return items;
      // The link's host may be an internal name: only its query (the filters, limit and marker) is taken.
      page = `${path.split('?')[0]}${new URL(next.href).search}`;
    }
  }

  /** A Neutron network of the project, found by its id. */
  async network(id: string): Promise<{ id: string; name: string }> {
    return (await this.found('NetworkNotFound', `network ${id}`, () => this.call<{ network: { id: string; name: string } }>('network', 'GET', `/v2.0/networks/${encodeURIComponent(id)}`))).network;
  }

  /** The network's name, which Nova keys a server's addresses by; asked once per process. */
  networkName(id: string): Promise<string> {
    const key = `${this.key}/${id}`;
    let name = networkNames.get(key);
    if (!name) {
      name = this.network(id).then((n) => n.name);
      name.catch(() => networkNames.delete(key));
      networkNames.set(key, name);
    }
    return name;
  }

  /** A Glance image the project can see. */
  async image(id: string): Promise<{ id: string; name: string; status: string }> {
    return this.found('ImageNotFound', `image ${id}`, () => this.call('image', 'GET', `/v2/images/${encodeURIComponent(id)}`));
  }

  /** A security group of the project, by name or id (Nova takes either). */
  async securityGroup(nameOrId: string): Promise<{ id: string; name: string }> {
    // Neutron may refuse an id filter that is no UUID: a name is looked up by name only.
    for (const field of UUID.test(nameOrId) ? ['name', 'id'] : ['name']) {
      const { security_groups: groups } = await this.call<{ security_groups: { id: string; name: string }[] }>('network', 'GET', `/v2.0/security-groups?${field}=${encodeURIComponent(nameOrId)}`);
      if (groups[0]) return groups[0];
    }
    throw new OpenStackError('SecurityGroupNotFound', `security group ${nameOrId} is not found in project ${this.settings.credentials.projectName}`);
  }

  /** `lookup`'s answer; a 404 is `code`, in the project's words. */
  private async found<T>(code: string, what: string, lookup: () => Promise<T>): Promise<T> {
    try {
      return await lookup();
    } catch (e) {
      if (e instanceof HttpStatusError && e.status === 404) throw new OpenStackError(code, `${what} is not found in project ${this.settings.credentials.projectName}`);
      throw e;
    }
  }
}
