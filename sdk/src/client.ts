// The entry point, as the VCP SDK's VcpSDK(token): specs, unit groups by name, builds.
import { Builds } from './builds.js';
import { connect, ok, type Api, type ConnectionOptions } from './http.js';
import type { components } from './openapi.js';
import { readUnitGroup, UnitGroup, type Spec } from './unit-group.js';

export type UnitGroupSummary = components['schemas']['UnitGroupSummary'];

export interface ClientOptions extends ConnectionOptions {
  /** How often waits ask after a build (default 1 s). */
  pollMs?: number;
}

export class OcsClient {
  readonly builds: Builds;
  private readonly api: Api;

  constructor(options: ClientOptions) {
    this.api = connect(options);
    this.builds = new Builds(this.api, options.pollMs ?? 1000);
  }

  private get ctx() {
    return { api: this.api, builds: this.builds };
  }

  /** get_spec(provider, flavor): the flavor's values and the base container's defaults, to change and pass to createUnit. */
  async getSpec(provider: string, flavor = 'small'): Promise<Spec> {
    return ok(await this.api.GET('/api/v1/specs/{provider}/{flavor}', { params: { path: { provider, flavor } } })).spec;
  }

  /** create_ugroup(name): an empty unit group. */
  async createUnitGroup(name: string, options: { organizationId?: string; expiresAt?: string } = {}): Promise<UnitGroup> {
    return new UnitGroup(this.ctx, ok(await this.api.POST('/api/v1/unit-groups', { body: { name, ...options } })).unitGroup);
  }

  /** get_ugroup(name): null when there is none of that name. */
  async getUnitGroup(name: string): Promise<UnitGroup | null> {
    const [summary] = ok(await this.api.GET('/api/v1/unit-groups', { params: { query: { name } } })).unitGroups;
    return summary ? this.getUnitGroupById(summary.id) : null;
  }

  async getUnitGroupById(id: string): Promise<UnitGroup> {
    return new UnitGroup(this.ctx, await readUnitGroup(this.api, id));
  }

  /** Every unit group the token may see, newest first, a page at a time behind the scenes. */
  async *unitGroups(): AsyncGenerator<UnitGroupSummary> {
    let cursor: string | undefined;
    do {
      const page = ok(await this.api.GET('/api/v1/unit-groups', { params: { query: { cursor, limit: 200 } } }));
      yield* page.unitGroups;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}
