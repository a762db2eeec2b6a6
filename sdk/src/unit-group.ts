// The VCP SDK's UnitGroup and Unit: every change is a build; with `wait` (the default) a method
// returns once it SUCCEEDED. A wait that times out throws OcsTimeoutError: get the unit group or
// unit by name later and go on, as nothing of the change is lost.
import type { Builds, WaitOptions } from './builds.js';
import { OcsApiError } from './errors.js';
import { ok, type Api } from './http.js';
import type { components, operations } from './openapi.js';

export type UnitGroupData = components['schemas']['UnitGroup'];
export type UnitData = components['schemas']['Unit'];
export type NodeData = components['schemas']['Node'];
export type NodeState = NodeData['state'];
export type Spec = components['schemas']['Spec'];
/** What create_unit takes: a provider and whatever of its spec differs from getSpec's. */
export type SpecInput = NonNullable<operations['createUnit']['requestBody']>['content']['application/json']['spec'];
export type AddNodes = { count: number } | { ipAddresses: string[] };
export type DeleteNodes = { count: number } | { nodeNos: number[] } | { ipAddresses: string[] } | { resourceIds: string[] };
/** Which nodes to power; none: every node of the unit. */
export type PowerNodes = { nodeNos: number[] } | { ipAddresses: string[] } | Record<string, never>;

export interface ChangeOptions extends WaitOptions {
  /** Wait until the change's build SUCCEEDED (default true); false returns at once. */
  wait?: boolean;
}

interface Context {
  api: Api;
  builds: Builds;
}

async function finish(ctx: Context, buildId: string, options: ChangeOptions): Promise<string> {
  if (options.wait !== false) await ctx.builds.wait(buildId, options);
  return buildId;
}

/**
 * GET /api/v1/unit-groups/{id} with every unit's nodes: the read carries a unit's first page of
 * nodes, and GET /api/v1/units/{id}/nodes gives the rest.
 */
export async function readUnitGroup(api: Api, id: string): Promise<UnitGroupData> {
  const data = ok(await api.GET('/api/v1/unit-groups/{id}', { params: { path: { id } } })).unitGroup;
  const units = await Promise.all(
    data.units.map(async (unit) => {
      const nodes = [...unit.nodes];
      for (let cursor = unit.nodesNextCursor; cursor; ) {
        const page = ok(await api.GET('/api/v1/units/{id}/nodes', { params: { path: { id: unit.id }, query: { cursor, limit: 200 } } }));
        nodes.push(...page.nodes);
        cursor = page.nextCursor;
      }
      return { ...unit, nodes, nodesNextCursor: null };
    }),
  );
  return { ...data, units };
}

export class UnitGroup {
  constructor(
    private readonly ctx: Context,
    public data: UnitGroupData,
  ) {}

  get id(): string {
    return this.data.id;
  }
  get name(): string {
    return this.data.name;
  }
  get state(): UnitGroupData['state'] {
    return this.data.state;
  }
  get units(): Unit[] {
    return this.data.units.map((u) => new Unit(this.ctx, this, u));
  }

  /** Reads it again, with every node of every unit (see readUnitGroup). */
  async refresh(): Promise<this> {
    this.data = await readUnitGroup(this.ctx.api, this.id);
    return this;
  }

  /** create_unit(name, spec): `spec` as getSpec gave it, changed where needed (POST /api/v1/unit-groups/{id}/units). */
  async createUnit(name: string, spec: SpecInput, options: ChangeOptions = {}): Promise<Unit> {
    const { buildId, unitId } = ok(await this.ctx.api.POST('/api/v1/unit-groups/{id}/units', { params: { path: { id: this.id } }, body: { name, spec } }));
    await finish(this.ctx, buildId, options);
    await this.refresh();
    return this.units.find((u) => u.id === unitId)!;
  }

  /** get_unit(name): null when it has none of that name. */
  async getUnit(name: string): Promise<Unit | null> {
    await this.refresh();
    return this.units.find((u) => u.name === name) ?? null;
  }

  /** find_ip_addresses(node_state=…): addresses of its nodes, by unit and node number. */
  async findIpAddresses(filter: { nodeState?: NodeState; unit?: string } = {}): Promise<string[]> {
    // A filter left undefined is no filter (not an empty one).
    const query = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    return ok(await this.ctx.api.GET('/api/v1/unit-groups/{id}/ip-addresses', { params: { path: { id: this.id }, query } })).ipAddresses;
  }

  /** df_nodes: every node of every unit, with its unit's name. */
  async nodes(): Promise<(NodeData & { unitName: string })[]> {
    await this.refresh();
    return this.data.units.flatMap((u) => u.nodes.map((n) => ({ ...n, unitName: u.name })));
  }

  /** cleanup(): deletes every unit and node; the unit group stays, empty. */
  async cleanup(options: ChangeOptions = {}): Promise<void> {
    const { buildId } = ok(await this.ctx.api.POST('/api/v1/unit-groups/{id}/cleanup', { params: { path: { id: this.id } } }));
    await finish(this.ctx, buildId, options);
    await this.refresh();
  }

  /** Tears the unit group down; with `wait`, returns once it is gone. */
  async delete(options: { wait?: boolean; timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
    ok(await this.ctx.api.DELETE('/api/v1/unit-groups/{id}', { params: { path: { id: this.id } } }));
    if (options.wait === false) return;
    const deadline = Date.now() + (options.timeoutMs ?? 1_000_000);
    for (;;) {
      const answer = await this.ctx.api.GET('/api/v1/unit-groups/{id}', { params: { path: { id: this.id } } });
      if (answer.response.status === 404) return;
      ok(answer);
      if (Date.now() > deadline) throw new OcsApiError(408, 'CONFLICT', `unit group ${this.name} is still being deleted`);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    }
  }
}

export class Unit {
  constructor(
    private readonly ctx: Context,
    readonly unitGroup: UnitGroup,
    public data: UnitData,
  ) {}

  get id(): string {
    return this.data.id;
  }
  get name(): string {
    return this.data.name;
  }
  get state(): UnitData['state'] {
    return this.data.state;
  }
  get nodes(): NodeData[] {
    return this.data.nodes;
  }

  private async changed(buildId: string, options: ChangeOptions): Promise<this> {
    await finish(this.ctx, buildId, options);
    await this.unitGroup.refresh();
    this.data = this.unitGroup.data.units.find((u) => u.id === this.id) ?? { ...this.data, nodes: [] };
    return this;
  }

  /** add_nodes: a number more, or one at each fixed address. */
  async addNodes(what: AddNodes, options: ChangeOptions = {}): Promise<this> {
    const { buildId } = ok(await this.ctx.api.POST('/api/v1/units/{id}/nodes', { params: { path: { id: this.id } }, body: what }));
    return this.changed(buildId, options);
  }

  /** delete_nodes: by number, address, resource id, or a count (highest numbers first). */
  async deleteNodes(which: DeleteNodes, options: ChangeOptions = {}): Promise<this> {
    const { buildId } = ok(await this.ctx.api.POST('/api/v1/units/{id}/nodes/delete', { params: { path: { id: this.id } }, body: which }));
    return this.changed(buildId!, options);
  }

  /** power_off_nodes: the named nodes, or all of the unit's. */
  async powerOffNodes(which: PowerNodes = {}, options: ChangeOptions = {}): Promise<this> {
    return this.power('off', which, options);
  }

  /** power_on_nodes: the named nodes, or all of the unit's. */
  async powerOnNodes(which: PowerNodes = {}, options: ChangeOptions = {}): Promise<this> {
    return this.power('on', which, options);
  }

  private async power(action: 'off' | 'on', which: PowerNodes, options: ChangeOptions): Promise<this> {
    const { buildId } = ok(await this.ctx.api.POST('/api/v1/units/{id}/power', { params: { path: { id: this.id } }, body: { action, ...which } }));
    return this.changed(buildId, options);
  }

  /** delete_units: the unit and its nodes; its name is free again. */
  async delete(options: ChangeOptions = {}): Promise<void> {
    const { buildId } = ok(await this.ctx.api.DELETE('/api/v1/units/{id}', { params: { path: { id: this.id } } }));
    await finish(this.ctx, buildId, options);
    await this.unitGroup.refresh();
  }

  /** find_ip_addresses of this unit. */
  findIpAddresses(filter: { nodeState?: NodeState } = {}): Promise<string[]> {
    return this.unitGroup.findIpAddresses({ ...filter, unit: this.name });
  }
}
