// The parts of mdx's REST API the driver uses, with their paths, payloads and answers as
// mdx-rest-client-python (src/mdx_lib.py, src/mdx_ext.py) uses them. Every call goes through an
// MdxSend (session.ts), retried here while mdx answers that it may pass.
import { HttpStatusError, isTransient, withRetry, type JsonResponse } from '../http';
import type { MdxRequest, MdxSend } from './session';

/** A VM as the project's VM list shows it. */
export interface MdxVmSummary {
  uuid: string;
  name: string;
  /** PowerON, PowerOFF, Suspended, NotFound, Deploying, Detached, Deallocated */
  status: string;
}

/** A VM's details (GET /api/vm/{id}/), the fields the driver reads. */
export interface MdxVmInfo {
  name: string;
  status: string;
  /** Each adapter's addresses; an IPv4 address shows minutes after the VM powers on. */
  service_networks?: { adapter_number?: number; ipv4_address?: string[] }[];
}

export interface MdxCatalog {
  uuid: string;
  name: string;
  /** The template on vCenter that deploy copies. */
  template_name: string;
  os_type?: string;
  /** The user the shared_key lets in (mdxuser on mdx's own templates). */
  login_username?: string;
}

/** What POST /api/vm/deploy/ takes, for a project of the ordinary (pack) kind. */
export interface MdxDeployment {
  catalog: string;
  template_name: string;
  os_type: string;
  pack_type: 'cpu' | 'gpu';
  pack_num: number;
  /** GPUs, a number as a string. */
  gpu: string;
  /** GB */
  disk_size: number;
  network_adapters: { adapter_number: number; segment: string }[];
  shared_key: string;
  storage_network: 'sr-iov' | 'pvrdma' | 'portgroup';
  service_level: 'spot' | 'guarantee';
  power_on: boolean;
  project: string;
  vm_name: string;
}

export interface MdxInstitution {
  uuid: string;
  name: string;
  projects: { uuid: string; name: string }[];
}

export type MdxVmAction = 'power_on' | 'power_off' | 'shutdown' | 'destroy';

interface Page<T> {
  next: string | null;
  results: T[];
}

const PAGE_SIZE = 100;

export class MdxClient {
  constructor(private readonly send: MdxSend) {}

  private call<T>(req: MdxRequest, transient = isTransient): Promise<JsonResponse<T>> {
    return withRetry(() => this.send<T>(req), { transient });
  }

  /** Every item of a paginated list, page by page as mdx_ext's iterators read them. */
  private async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const { body } = await this.call<Page<T>>({ method: 'GET', path, query: { page, page_size: PAGE_SIZE } });
      items.push(...body.results);
      if (!body.next) return items;
    }
  }

  /** The institutions the token's user belongs to, each with the projects the user is assigned to. */
  async assignedProjects(): Promise<MdxInstitution[]> {
    return (await this.call<MdxInstitution[]>({ method: 'GET', path: '/api/project/assigned/' })).body;
  }

  async segments(projectId: string): Promise<{ uuid: string; name: string }[]> {
    return (await this.call<{ uuid: string; name: string }[]>({ method: 'GET', path: `/api/segment/project/${projectId}/all/` })).body;
  }

  catalogs(projectId: string): Promise<MdxCatalog[]> {
    return this.all<MdxCatalog>(`/api/catalog/project/${projectId}/`);
  }

  vms(projectId: string): Promise<MdxVmSummary[]> {
    return this.all<MdxVmSummary>(`/api/vm/project/${projectId}/`);
  }

  async vmNamed(projectId: string, name: string): Promise<MdxVmSummary | null> {
    return (await this.vms(projectId)).find((vm) => vm.name === name) ?? null;
  }

  /** null once mdx no longer knows the VM (how a destroy shows it is done). */
  async vm(id: string): Promise<MdxVmInfo | null> {
    try {
      return (await this.call<MdxVmInfo>({ method: 'GET', path: `/api/vm/${id}/` })).body;
    } catch (e) {
      if (e instanceof HttpStatusError && e.status === 404) return null;
      throw e;
    }
  }

  /** The deploy's task ids. Retried only on an answer that says nothing was made: a lost answer is found by the VM's name instead. */
  async deploy(deployment: MdxDeployment): Promise<string[]> {
    const { body } = await this.call<{ task_id?: string[] }>({ method: 'POST', path: '/api/vm/deploy/', body: deployment }, (e) => e instanceof HttpStatusError && isTransient(e));
    return body.task_id ?? [];
  }

  /** Starts a power or destroy task (202); its end shows in the VM's status. */
  async act(id: string, action: MdxVmAction, body?: Record<string, string>): Promise<void> {
    await this.call({ method: 'POST', path: `/api/vm/${id}/${action}/`, ...(body ? { body } : {}) });
  }
}
