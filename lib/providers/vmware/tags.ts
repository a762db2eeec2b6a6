// A node's tags as vSphere tags, through the Automation REST API (/rest/com/vmware/cis/tagging).
// vSphere tags are names in a category, not key=value pairs: each pair is one tag named `key=value`
// in a single category of the portal's own, `ocs-portal` (MULTIPLE cardinality, VirtualMachine
// only). One category rather than one per key, because a unit's own tag keys are anyone's words
// that would become vCenter-wide category names (clashing with the administrators' own), and
// because making a category is a privilege administrators often keep to themselves: with one, they
// can make it once, and the portal's user only needs to create and assign tags. The API finds tags
// by id only, so names are read once per tag id and kept for the process (a tag's id never changes).
// A node's own tag (ocs.nodeId=…) goes when its VM does; tags shared by many VMs stay.
import type { Moref } from './soap';
import { VmwareFault } from './errors';
import type { Vcenter } from './vcenter';

export const CATEGORY = 'ocs-portal';
/** The tag that names exactly one node, removed with its VM. */
const NODE_TAG = 'ocs.nodeId';
const BASE = '/com/vmware/cis/tagging';

interface TagInfo {
  id: string;
  name: string;
  category_id: string;
}

interface Known {
  categoryId: string | null;
  byId: Map<string, TagInfo>;
  byName: Map<string, string>;
}

const known = new WeakMap<Vcenter, Known>();
const isFault = (e: unknown, code: string) => e instanceof VmwareFault && e.code === code;
const objectId = (vm: Moref) => ({ id: vm.value, type: vm.type });

const tagName = (key: string, value: string) => `${key}=${value}`;

export class Tagging {
  private readonly known: Known;

  constructor(private readonly vc: Vcenter) {
    let k = known.get(vc);
    if (!k) known.set(vc, (k = { categoryId: null, byId: new Map(), byName: new Map() }));
    this.known = k;
  }

  /** A list the API answers (vcsim answers an empty one as null). */
  private async list<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T[]> {
    return (await this.vc.rest<T[] | null>(method, path, body)) ?? [];
  }

  private async findCategory(): Promise<string | null> {
    for (const id of await this.list<string>('GET', `${BASE}/category`)) {
      const category = await this.vc.rest<{ name: string }>('GET', `${BASE}/category/id:${id}`);
      if (category.name === CATEGORY) return id;
    }
    return null;
  }

  /** The portal's category; made first when `create` (unless another process made it meanwhile). */
  private async category(create: boolean): Promise<string | null> {
    if (this.known.categoryId) return this.known.categoryId;
    let id = await this.findCategory();
    if (!id && create) {
      const spec = { name: CATEGORY, description: 'Made by OCS Portal: tags key=value of the machines it manages', cardinality: 'MULTIPLE', associable_types: ['VirtualMachine'] };
      try {
        id = await this.vc.rest<string>('POST', `${BASE}/category`, { create_spec: spec });
      } catch (e) {
        if (!isFault(e, 'AlreadyExists')) throw e;
        id = await this.findCategory();
      }
    }
    if (id) this.known.categoryId = id;
    return id;
  }

  private async info(id: string): Promise<TagInfo | null> {
    let tag = this.known.byId.get(id);
    if (!tag) {
      try {
        tag = await this.vc.rest<TagInfo>('GET', `${BASE}/tag/id:${id}`);
      } catch (e) {
        if (isFault(e, 'NotFound')) return null;
        throw e;
      }
      this.known.byId.set(id, tag);
    }
    return tag;
  }

  /** Reads the names of the category's tags not read yet. */
  private async scan(categoryId: string, name: string): Promise<string | null> {
    for (const id of await this.list<string>('POST', `${BASE}/tag/id:${categoryId}?~action=list-tags-for-category`)) {
      const tag = await this.info(id);
      if (tag) this.known.byName.set(tag.name, id);
    }
    return this.known.byName.get(name) ?? null;
  }

  /** The id of the tag `name` in the portal's category; made when `create`. */
  private async tagId(name: string, create: boolean): Promise<string | null> {
    const cached = this.known.byName.get(name);
    if (cached) return cached;
    const categoryId = await this.category(create);
    if (!categoryId) return null;
    if (!create) return this.scan(categoryId, name);
    try {
      const id = await this.vc.rest<string>('POST', `${BASE}/tag`, { create_spec: { name, description: '', category_id: categoryId } });
      this.known.byName.set(name, id);
      return id;
    } catch (e) {
      if (!isFault(e, 'AlreadyExists')) throw e;
      return this.scan(categoryId, name);
    }
  }

  /** Tags the VM with each pair (attaching a tag it has already is no error). */
  async attach(vm: Moref, tags: Record<string, string>): Promise<void> {
    for (const [key, value] of Object.entries(tags)) {
      const name = tagName(key, value);
      const attach = async () => this.vc.rest('POST', `${BASE}/tag-association/id:${await this.tagId(name, true)}?~action=attach`, { object_id: objectId(vm) });
      try {
        await attach();
      } catch (e) {
        if (!isFault(e, 'NotFound')) throw e;
        // The tag (or the category) was deleted since it was looked up: it is made again.
        this.known.byName.delete(name);
        this.known.categoryId = null;
        await attach();
      }
    }
  }

  /** The portal's tags on each VM (by VM id), as key → value and as tag ids. */
  async of(vms: Moref[]): Promise<Map<string, { tags: Record<string, string>; ids: Map<string, string> }>> {
    const found = new Map<string, { tags: Record<string, string>; ids: Map<string, string> }>(vms.map((vm) => [vm.value, { tags: {}, ids: new Map() }]));
    if (!vms.length) return found;
    const categoryId = await this.category(false);
    if (!categoryId) return found;
    const attached = await this.list<{ object_id: { id: string }; tag_ids?: string[] }>('POST', `${BASE}/tag-association?~action=list-attached-tags-on-objects`, { object_ids: vms.map(objectId) });
    for (const { object_id, tag_ids = [] } of attached) {
      const entry = found.get(object_id.id);
      for (const id of tag_ids) {
        const tag = await this.info(id);
        const eq = tag?.name.indexOf('=') ?? -1;
        if (!entry || !tag || tag.category_id !== categoryId || eq < 1) continue;
        entry.tags[tag.name.slice(0, eq)] = tag.name.slice(eq + 1);
        entry.ids.set(tag.name, id);
      }
    }
    return found;
  }

  private async attachedTo(tagId: string): Promise<Moref[]> {
    const objects = await this.list<{ id: string; type: string }>('POST', `${BASE}/tag-association/id:${tagId}?~action=list-attached-objects`, {});
    return objects.filter((o) => o.type === 'VirtualMachine').map((o) => ({ type: o.type, value: o.id }));
  }

  /**
   * The VMs carrying every pair (with none given, every VM carrying one of the portal's tags).
   * A VM deleted while still listed (vcsim keeps its associations) is left to the caller's read.
   */
  async vmsWith(tags: Record<string, string>): Promise<Moref[]> {
    const pairs = Object.entries(tags);
    if (!pairs.length) {
      const categoryId = await this.category(false);
      if (!categoryId) return [];
      const all = new Map<string, Moref>();
      for (const id of await this.list<string>('POST', `${BASE}/tag/id:${categoryId}?~action=list-tags-for-category`)) for (const vm of await this.attachedTo(id)) all.set(vm.value, vm);
      return [...all.values()];
    }
    let vms: Moref[] | null = null;
    for (const [key, value] of pairs) {
      const these = await this.carrying(tagName(key, value));
      vms = vms ? vms.filter((vm) => these.some((t) => t.value === vm.value)) : these;
      if (!vms.length) return [];
    }
    return vms ?? [];
  }

  /** The VMs carrying the tag `name` (none when there is no such tag). */
  private async carrying(name: string): Promise<Moref[]> {
    for (let tries = 0; ; tries++) {
      const id = await this.tagId(name, false);
      if (!id) return [];
      try {
        return await this.attachedTo(id);
      } catch (e) {
        if (!isFault(e, 'NotFound') || tries > 0) throw e;
        // Deleted since its id was read (its node's VM went): looked up once more.
        this.known.byName.delete(name);
      }
    }
  }

  /** After its VM is gone: its associations (vCenter drops them itself; vcsim keeps them) and its node's own tag. */
  async forget(vm: Moref, ids: Map<string, string>): Promise<void> {
    for (const [name, id] of ids) {
      await this.vc.rest('POST', `${BASE}/tag-association/id:${id}?~action=detach`, { object_id: objectId(vm) }).catch((e: unknown) => {
        if (!isFault(e, 'NotFound')) throw e;
      });
      if (!name.startsWith(`${NODE_TAG}=`)) continue;
      await this.vc.rest('DELETE', `${BASE}/tag/id:${id}`).catch((e: unknown) => {
        if (!isFault(e, 'NotFound')) throw e;
      });
      this.known.byName.delete(name);
      this.known.byId.delete(id);
    }
  }
}
