// How the driver talks to one vCenter: vim25 SOAP at the account's URL (…/sdk) with a session
// from SessionManager.Login (its vmware_soap_session cookie), and the Automation REST API at /rest
// with a session of its own (vmware-api-session-id) for tags. Sessions are kept for every driver
// instance of this process (keyed by URL, user, password and CA) and made again once when vCenter
// answers NotAuthenticated (or 401): an idle session expires after 30 minutes. Reads go through
// the PropertyCollector; a task is waited for by reading its info until it succeeds or fails.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from 'node:https';
import { VmwareFault } from './errors';
import { envelope, faultOf, httpsCall, moref, soapBody, text, vcenterAgent, type HttpAnswer, type Moref, type XmlNode } from './soap';

export interface VcenterSettings {
  /** The SDK URL (https://vcenter/sdk); a bare https://vcenter/ means its /sdk. */
  url: string;
  username: string;
  password: string;
  /** PEM: the CA (vCenter's VMCA root) its certificate is checked against, instead of the system's. */
  caCertificate?: string;
}

const CALL_TIMEOUT_MS = 120_000;
const TASK_WAIT_MS = 30 * 60_000;
/** Read at each use, so a test can set it after loading this module. */
export const pollMs = () => Number(process.env.OCS_VMWARE_POLL_MS ?? 2000);

/** The managed objects every session starts from (ServiceInstance.RetrieveServiceContent). */
interface ServiceContent {
  apiVersion: string;
  rootFolder: Moref;
  propertyCollector: Moref;
  searchIndex: Moref;
  sessionManager: Moref;
  viewManager: Moref;
}

/** The properties read of one object, by property path. */
export class Props {
  constructor(
    readonly obj: Moref,
    private readonly values: Map<string, XmlNode>,
  ) {}

  get(path: string): XmlNode | undefined {
    return this.values.get(path);
  }

  text(path: string): string | undefined {
    return this.values.get(path)?.text;
  }
}

const isNotAuthenticated = (e: unknown) => e instanceof VmwareFault && e.code === 'NotAuthenticated';

export class Vcenter {
  readonly sdkUrl: URL;
  readonly restUrl: URL;
  private readonly agent: Agent;
  private content: Promise<ServiceContent> | null = null;
  private soapSession: Promise<string> | null = null;
  private restSession: Promise<string> | null = null;

  constructor(private readonly settings: VcenterSettings) {
    const url = new URL(settings.url);
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/sdk';
    this.sdkUrl = url;
    this.restUrl = new URL('/rest', url);
    this.agent = vcenterAgent(settings.caCertificate);
  }

  private async post(body: string, cookie: string | null, version: string): Promise<HttpAnswer> {
    return httpsCall(this.agent, this.sdkUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"urn:vim25/${version}"`, ...(cookie ? { cookie } : {}) },
      body: envelope(body),
      timeoutMs: CALL_TIMEOUT_MS,
    });
  }

  /** The managers every session starts from, read once. */
  managers(): Promise<ServiceContent> {
    this.content ??= (async () => {
      // Asked in 6.5's terms; later calls speak the version vCenter says it has.
      const res = await this.post('<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>', null, '6.5');
      const c = soapBody(res.body, res.status).child('RetrieveServiceContentResponse')?.child('returnval');
      const ref = (name: string) => c?.child(name)?.moref;
      const [rootFolder, propertyCollector, searchIndex, sessionManager, viewManager] = ['rootFolder', 'propertyCollector', 'searchIndex', 'sessionManager', 'viewManager'].map(ref);
      if (!rootFolder || !propertyCollector || !searchIndex || !sessionManager || !viewManager) throw new VmwareFault('NotVcenter', `${this.sdkUrl.host} answered RetrieveServiceContent without its managers`);
      return { apiVersion: c!.textAt('about.apiVersion') ?? '6.5', rootFolder, propertyCollector, searchIndex, sessionManager, viewManager };
    })();
    this.content.catch(() => (this.content = null));
    return this.content;
  }

  private async login(): Promise<string> {
    const content = await this.managers();
    const body = `<Login xmlns="urn:vim25">${moref('_this', content.sessionManager)}${text('userName', this.settings.username)}${text('password', this.settings.password)}</Login>`;
    const res = await this.post(body, null, content.apiVersion);
    soapBody(res.body, res.status);
    const cookie = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('vmware_soap_session='));
    if (!cookie) throw new VmwareFault('NotVcenter', `${this.sdkUrl.host} answered Login without a vmware_soap_session cookie`);
    return cookie.split(';')[0]!;
  }

  /** The session cookie; a new one in place of `stale`, shared by every caller that held it. */
  private session(stale?: Promise<string>): Promise<string> {
    if (!this.soapSession || this.soapSession === stale) {
      const fresh = this.login();
      fresh.catch(() => {
        if (this.soapSession === fresh) this.soapSession = null;
      });
      this.soapSession = fresh;
    }
    return this.soapSession;
  }

  /** `work` with the session; once more with a new one when vCenter no longer knows it (a call refused so was not carried out). */
  private async authenticated<T>(work: (session: Promise<string>) => Promise<T>): Promise<T> {
    const session = this.session();
    try {
      return await work(session);
    } catch (e) {
      if (!isNotAuthenticated(e)) throw e;
      return work(this.session(session));
    }
  }

  private async send(method: string, target: Moref, params: string, session: Promise<string>): Promise<XmlNode> {
    const content = await this.managers();
    const res = await this.post(`<${method} xmlns="urn:vim25">${moref('_this', target)}${params}</${method}>`, await session, content.apiVersion);
    const answer = soapBody(res.body, res.status);
    return answer.child(`${method}Response`) ?? answer;
  }

  /** One vim25 method on `target` with the parameters' XML: its answer's element (<MethodResponse>). */
  async call(method: string, target: Moref, params = ''): Promise<XmlNode> {
    return this.authenticated((session) => this.send(method, target, params, session));
  }

  /** The objects a PropertyFilterSpec selects, with their properties; objects deleted meanwhile are left out. */
  async retrieveSpec(specXml: string): Promise<Props[]> {
    const { propertyCollector } = await this.managers();
    return this.authenticated(async (session) => {
      const found: Props[] = [];
      let answer = await this.send('RetrievePropertiesEx', propertyCollector, `<specSet>${specXml}<reportMissingObjectsInResults>true</reportMissingObjectsInResults></specSet><options></options>`, session);
      for (;;) {
        const result = answer.child('returnval');
        for (const o of result?.all('objects') ?? []) {
          // Without a session vCenter may report every property missing as NotAuthenticated instead of faulting.
          const denied = o.all('missingSet').find((m) => m.child('fault')?.child('fault')?.xsiType === 'NotAuthenticated');
          if (denied) throw faultOf(denied.child('fault')?.child('fault'), 'not authenticated');
          found.push(new Props(o.child('obj')!.moref, new Map(o.all('propSet').map((p) => [p.child('name')!.text, p.child('val')!]))));
        }
        const token = result?.child('token')?.text;
        if (!token) return found;
        answer = await this.send('ContinueRetrievePropertiesEx', propertyCollector, text('token', token), session);
      }
    });
  }

  /** `paths` of each of `objs` (all of one type); objects that no longer exist are absent. */
  async retrieve(type: string, objs: Moref[], paths: string[]): Promise<Map<string, Props>> {
    if (!objs.length) return new Map();
    const propSet = `<propSet>${text('type', type)}${paths.map((p) => text('pathSet', p)).join('')}</propSet>`;
    const props = await this.retrieveSpec(propSet + objs.map((o) => `<objectSet>${moref('obj', o)}</objectSet>`).join(''));
    return new Map(props.map((p) => [p.obj.value, p]));
  }

  async props(obj: Moref, paths: string[]): Promise<Props | null> {
    return (await this.retrieve(obj.type, [obj], paths)).get(obj.value) ?? null;
  }

  /** The entity at an inventory path (DC0/vm/folder/name), if there is one. */
  async findByInventoryPath(path: string): Promise<Moref | null> {
    const { searchIndex } = await this.managers();
    return (await this.call('FindByInventoryPath', searchIndex, text('inventoryPath', path))).child('returnval')?.moref ?? null;
  }

  /** The child of a folder (or datacenter, cluster) named `name`, if there is one. */
  async findChild(parent: Moref, name: string): Promise<Moref | null> {
    const { searchIndex } = await this.managers();
    return (await this.call('FindChild', searchIndex, moref('entity', parent) + text('name', name))).child('returnval')?.moref ?? null;
  }

  /** Runs a method that answers with a Task and waits for it: the task's result, or its fault. */
  async task(method: string, target: Moref, params = ''): Promise<XmlNode | undefined> {
    const task = (await this.call(method, target, params)).child('returnval')!.moref;
    for (const deadline = Date.now() + TASK_WAIT_MS; Date.now() < deadline; await sleep(pollMs())) {
      const info = (await this.props(task, ['info']))?.get('info');
      const state = info?.child('state')?.text;
      if (state === 'success') return info!.child('result');
      if (state === 'error') throw faultOf(info!.child('error')?.child('fault'), info!.textAt('error.localizedMessage') ?? `${method} failed`);
    }
    throw new VmwareFault('TaskTimeout', `${method} on ${target.value} did not finish within ${TASK_WAIT_MS / 60_000} minutes`, true);
  }

  // ── the Automation REST API (/rest) ─────────────────────────────────────────────────────

  private async restLogin(): Promise<string> {
    const basic = Buffer.from(`${this.settings.username}:${this.settings.password}`).toString('base64');
    const res = await httpsCall(this.agent, new URL(`${this.restUrl.pathname}/com/vmware/cis/session`, this.restUrl), { method: 'POST', headers: { authorization: `Basic ${basic}`, accept: 'application/json' }, timeoutMs: CALL_TIMEOUT_MS });
    return String(restValue(res, 'signing in to the Automation API'));
  }

  private restSessionId(stale?: Promise<string>): Promise<string> {
    if (!this.restSession || this.restSession === stale) {
      const fresh = this.restLogin();
      fresh.catch(() => {
        if (this.restSession === fresh) this.restSession = null;
      });
      this.restSession = fresh;
    }
    return this.restSession;
  }

  /** One Automation API call (path under /rest, with ~action when it has one): its `value`. */
  async rest<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const url = new URL(`${this.restUrl.pathname}${path}`, this.restUrl);
    const once = async (session: Promise<string>) => {
      const headers = { 'vmware-api-session-id': await session, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
      return httpsCall(this.agent, url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), timeoutMs: CALL_TIMEOUT_MS });
    };
    const session = this.restSessionId();
    let res = await once(session);
    if (res.status === 401) res = await once(this.restSessionId(session));
    return restValue(res, `${method} ${path}`) as T;
  }

  /** Ends both sessions (a connection test's, so it leaves none behind on vCenter) and closes the connections. */
  async logout(): Promise<void> {
    const [soap, restId] = [this.soapSession, this.restSession];
    this.soapSession = this.restSession = null;
    // A session that never began, or vCenter ended already, needs no ending: those failures are moot.
    const sessionUrl = new URL(`${this.restUrl.pathname}/com/vmware/cis/session`, this.restUrl);
    if (soap) await this.managers().then((c) => this.send('Logout', c.sessionManager, '', soap)).catch(() => {});
    if (restId) await restId.then((id) => httpsCall(this.agent, sessionUrl, { method: 'DELETE', headers: { 'vmware-api-session-id': id }, timeoutMs: CALL_TIMEOUT_MS })).catch(() => {});
    this.agent.destroy();
  }
}

/** vAPI error types (com.vmware.vapi.std.errors.*) as fault codes. */
const VAPI_ERRORS: Record<string, string> = {
  already_exists: 'AlreadyExists',
  not_found: 'NotFound',
  unauthorized: 'NoPermission',
  unauthenticated: 'InvalidLogin',
  invalid_argument: 'InvalidArgument',
  service_unavailable: 'ServiceUnavailable',
};

type VapiAnswer = { type?: string; value?: unknown } | null;

function restValue(res: HttpAnswer, doing: string): unknown {
  let json: VapiAnswer = null;
  try {
    json = res.body ? (JSON.parse(res.body) as VapiAnswer) : null;
  } catch {
    // A proxy's page, or vcsim's plain "404 page not found": the status decides.
  }
  if (res.status >= 200 && res.status < 300) return json?.value;
  const vapi = json?.type?.replace(/^.*\./, '');
  const byStatus = res.status === 401 ? 'InvalidLogin' : res.status === 403 ? 'NoPermission' : res.status === 404 ? 'NotFound' : res.status >= 500 ? 'ServiceUnavailable' : `HTTP ${res.status}`;
  const messages = (json?.value as { messages?: { default_message?: string }[] } | undefined)?.messages?.map((m) => m.default_message).join('; ');
  throw new VmwareFault((vapi && VAPI_ERRORS[vapi]) ?? byStatus, `${doing} answered ${res.status}${messages ? `: ${messages}` : ''}`);
}

const clients = new Map<string, Vcenter>();

/** The process's client of a vCenter as these credentials see it (one session for every driver instance). */
export function vcenterFor(settings: VcenterSettings): Vcenter {
  const key = createHash('sha256').update(JSON.stringify([settings.url, settings.username, settings.password, settings.caCertificate ?? null])).digest('hex');
  let client = clients.get(key);
  if (!client) clients.set(key, (client = new Vcenter(settings)));
  return client;
}
