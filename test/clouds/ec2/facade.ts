// A local EC2 endpoint speaking the EC2 Query API's wire format (cloud-test-peers.md): form-encoded
// POSTs signed with SigV4, each checked against EC2's API model (./api-model.ts), XML answers in
// the 2016-11-15 namespace, errors as
// <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>. It checks
// every signature with the signer AWS's own SDK uses, so a driver that signs wrongly, or with the
// wrong secret, is refused as AWS would refuse it. It knows the accounts, subnets and security
// groups a test gives it; tests can make it answer the next calls with an error (throttling, …).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { backgroundWork, closeServer, faultQueue, listenLocal } from '../facade-kit';
import { checkAgainstModel } from './api-model';
import type { EmulatedInstance, InstanceBackend } from '../instances';

const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const API_VERSION = '2016-11-15';

export interface Ec2Account {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  subnets: string[];
  securityGroups: string[];
}

/** An error EC2 answers with: its code decides what a client does (retry, explain), never its message. */
export interface Ec2Fault {
  status: number;
  code: string;
  message: string;
}

export const FAULTS = {
  throttled: { status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' },
  capacity: { status: 500, code: 'InsufficientInstanceCapacity', message: 'We currently do not have sufficient capacity in the Availability Zone you requested.' },
} satisfies Record<string, Ec2Fault>;

type Params = URLSearchParams;
type Handler = (params: Params, account: Ec2Account) => string | Promise<string>;

type InstanceState = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
const STATE_CODE: Record<InstanceState, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

/** An instance as EC2 describes it, with the emulated machine behind it. */
export interface Ec2Instance {
  instanceId: string;
  reservationId: string;
  accessKeyId: string;
  clientToken: string | null;
  imageId: string;
  instanceType: string;
  subnetId: string;
  securityGroupIds: string[];
  tags: Record<string, string>;
  state: InstanceState;
  privateIpAddress: string;
  launchTime: string;
  userData: string;
  /** A spot instance's request type (InstanceMarketOptions); null for on-demand. */
  spotType: 'one-time' | 'persistent' | null;
  /** The machine behind it; null for an instance that exists only as EC2's record (seed()). */
  machine: EmulatedInstance | null;
}

export interface Ec2Facade {
  readonly url: string;
  /** Actions called, in order, with the access key that signed each. */
  readonly calls: { action: string; accessKeyId: string }[];
  /** The next `times` calls of `action` answer with `fault`. */
  failNext(action: string, fault: Ec2Fault, times?: number): void;
  /** Every instance ever launched, terminated ones too. */
  readonly instances: Ec2Instance[];
  /**
   * Running instances of the account with these tags that exist only as EC2's records, with no
   * machine behind them: for load on listing and terminating (the sweeper's bench), never booted.
   */
  seed(accessKeyId: string, tags: Record<string, string>[]): Ec2Instance[];
  /** Resolves once no instance is booting, stopping or being terminated. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const escape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`;
}

function responseXml(action: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NAMESPACE}"><requestId>${randomUUID()}</requestId>${body}</${action}Response>`;
}

/** Values of a list parameter: Name.1, Name.2, … */
function list(params: Params, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${name}.${i}`); i++) out.push(params.get(`${name}.${i}`)!);
  return out;
}

class Fault extends Error {
  constructor(readonly fault: Ec2Fault) {
    super(fault.message);
  }
}

const ACCOUNT_HANDLERS: Record<string, Handler> = {
  DescribeAccountAttributes: () =>
    '<accountAttributeSet><item><attributeName>supported-platforms</attributeName><attributeValueSet><item><attributeValue>VPC</attributeValue></item></attributeValueSet></item></accountAttributeSet>',
  DescribeSubnets: (params, account) => {
    const wanted = list(params, 'SubnetId');
    const missing = wanted.find((id) => !account.subnets.includes(id));
    if (missing) throw new Fault({ status: 400, code: 'InvalidSubnetID.NotFound', message: `The subnet ID '${missing}' does not exist` });
    const items = (wanted.length ? wanted : account.subnets).map((id) => `<item><subnetId>${escape(id)}</subnetId><state>available</state><availabilityZone>${account.region}a</availabilityZone></item>`);
    return `<subnetSet>${items.join('')}</subnetSet>`;
  },
  DescribeSecurityGroups: (params, account) => {
    const wanted = list(params, 'GroupId');
    const missing = wanted.find((id) => !account.securityGroups.includes(id));
    if (missing) throw new Fault({ status: 400, code: 'InvalidGroup.NotFound', message: `The security group '${missing}' does not exist` });
    const items = (wanted.length ? wanted : account.securityGroups).map((id) => `<item><groupId>${escape(id)}</groupId><groupName>${escape(id)}</groupName></item>`);
    return `<securityGroupInfo>${items.join('')}</securityGroupInfo>`;
  },
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The signature AWS would compute for this request with the account's secret. */
async function expectedSignature(req: IncomingMessage, body: string, account: Ec2Account, scope: { date: string; region: string }, signedHeaders: string[]): Promise<string> {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = String(req.headers[name] ?? '');
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const signer = new SignatureV4({ credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey }, region: scope.region, service: 'ec2', sha256: Sha256 });
  const signed = await signer.sign(
    { method: req.method ?? 'POST', protocol: 'http:', hostname: String(req.headers.host ?? '').split(':')[0]!, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body },
    { signingDate, signingRegion: scope.region, signingService: 'ec2' },
  );
  return /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1] ?? '';
}

/** Starts the endpoint on 127.0.0.1 (on `port`, else one of its own) for the given accounts. */
export async function startEc2Facade(accounts: Ec2Account[], options: { port?: number; instances?: InstanceBackend } = {}): Promise<Ec2Facade> {
  const calls: Ec2Facade['calls'] = [];
  const faults = faultQueue<Ec2Fault>();
  const instances: Ec2Instance[] = [];
  const work = backgroundWork();
  const instanceHandlers = instanceActions(instances, options.instances, work.track);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(xml);
    };
    const body = await readBody(req);
    const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/ec2\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(String(req.headers.authorization ?? ''));
    if (req.method !== 'POST' || !auth) return send(400, errorXml('MissingAuthenticationToken', 'Request is missing Authentication Token'));
    const [, accessKeyId, date, region, signedHeaderList, signature] = auth;
    const account = accounts.find((a) => a.accessKeyId === accessKeyId);
    if (!account) return send(401, errorXml('AuthFailure', 'AWS was not able to validate the provided access credentials'));
    if ((await expectedSignature(req, body, account, { date: date!, region: region! }, signedHeaderList!.split(';'))) !== signature)
      return send(403, errorXml('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.'));
    const params = new URLSearchParams(body);
    const action = params.get('Action') ?? '';
    calls.push({ action, accessKeyId: accessKeyId! });
    if (params.get('Version') !== API_VERSION) return send(400, errorXml('InvalidParameterValue', `Unsupported API version ${params.get('Version')}`));
    const refused = checkAgainstModel(action, params);
    if (refused) return send(400, errorXml(refused.code, refused.message));
    const handler = ACCOUNT_HANDLERS[action] ?? instanceHandlers[action];
    if (!handler) return send(400, errorXml('UnsupportedOperation', `The local EC2 endpoint does not implement ${action}.`));
    const fault = faults.take(action);
    if (fault) return send(fault.status, errorXml(fault.code, fault.message));
    if (region !== account.region) return send(401, errorXml('AuthFailure', `This account is not enabled in region ${region}`));
    try {
      send(200, responseXml(action, await handler(params, account)));
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      send(e.fault.status, errorXml(e.fault.code, e.fault.message));
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      res.writeHead(500, { 'content-type': 'text/xml' });
      res.end(errorXml('InternalError', e.message));
    });
  });
  const port = await listenLocal(server, options.port);
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    instances,
    failNext: faults.failNext,
    seed: (accessKeyId, tags) => {
      const account = accounts.find((a) => a.accessKeyId === accessKeyId)!;
      const made = tags.map((t, n): Ec2Instance => ({
        instanceId: `i-${hex(17)}`,
        reservationId: `r-${hex(17)}`,
        accessKeyId,
        clientToken: null,
        imageId: 'ami-00000000000000000',
        instanceType: 'm4.large',
        subnetId: account.subnets[0]!,
        securityGroupIds: account.securityGroups.slice(0, 1),
        tags: t,
        state: 'running',
        privateIpAddress: `192.0.2.${n % 250}`,
        launchTime: new Date().toISOString(),
        userData: '',
        spotType: null,
        machine: null,
      }));
      instances.push(...made);
      return made;
    },
    settled: work.settled,
    close: () => closeServer(server),
  };
}

// ── instances ──────────────────────────────────────────────────────────────────────────────

const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');

function tagsXml(tags: Record<string, string>): string {
  return `<tagSet>${Object.entries(tags)
    .map(([k, v]) => `<item><key>${escape(k)}</key><value>${escape(v)}</value></item>`)
    .join('')}</tagSet>`;
}

function instanceXml(i: Ec2Instance): string {
  return (
    `<item><instanceId>${i.instanceId}</instanceId><imageId>${escape(i.imageId)}</imageId>` +
    `<instanceState><code>${STATE_CODE[i.state]}</code><name>${i.state}</name></instanceState>` +
    `<privateIpAddress>${i.state === 'terminated' ? '' : i.privateIpAddress}</privateIpAddress><instanceType>${escape(i.instanceType)}</instanceType>` +
    `<launchTime>${i.launchTime}</launchTime><subnetId>${escape(i.subnetId)}</subnetId>` +
    `<groupSet>${i.securityGroupIds.map((g) => `<item><groupId>${escape(g)}</groupId></item>`).join('')}</groupSet>` +
    `${tagsXml(i.tags)}${i.clientToken ? `<clientToken>${escape(i.clientToken)}</clientToken>` : ''}${i.spotType ? '<instanceLifecycle>spot</instanceLifecycle>' : ''}</item>`
  );
}

function reservationsXml(found: Ec2Instance[]): string {
  const byReservation = new Map<string, Ec2Instance[]>();
  for (const i of found) byReservation.set(i.reservationId, [...(byReservation.get(i.reservationId) ?? []), i]);
  return `<reservationSet>${[...byReservation]
    .map(([id, list]) => `<item><reservationId>${id}</reservationId><ownerId>123456789012</ownerId><instancesSet>${list.map(instanceXml).join('')}</instancesSet></item>`)
    .join('')}</reservationSet>`;
}

function stateChangeXml(tag: string, changes: { i: Ec2Instance; previous: InstanceState }[]): string {
  return `<${tag}>${changes
    .map(({ i, previous }) => `<item><instanceId>${i.instanceId}</instanceId><currentState><code>${STATE_CODE[i.state]}</code><name>${i.state}</name></currentState><previousState><code>${STATE_CODE[previous]}</code><name>${previous}</name></previousState></item>`)
    .join('')}</${tag}>`;
}

/** Name.N.Key/Value pairs: TagSpecification.1.Tag.N.Key … */
function tagSpecification(params: Params): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let s = 1; params.has(`TagSpecification.${s}.ResourceType`); s++) {
    if (params.get(`TagSpecification.${s}.ResourceType`) !== 'instance') continue;
    for (let t = 1; params.has(`TagSpecification.${s}.Tag.${t}.Key`); t++) tags[params.get(`TagSpecification.${s}.Tag.${t}.Key`)!] = params.get(`TagSpecification.${s}.Tag.${t}.Value`) ?? '';
  }
  return tags;
}

function filters(params: Params): { name: string; values: string[] }[] {
  const out = [];
  for (let f = 1; params.has(`Filter.${f}.Name`); f++) out.push({ name: params.get(`Filter.${f}.Name`)!, values: list(params, `Filter.${f}.Value`) });
  return out;
}

function matches(i: Ec2Instance, f: { name: string; values: string[] }): boolean {
  if (f.name.startsWith('tag:')) return f.values.includes(i.tags[f.name.slice(4)] ?? '\0');
  if (f.name === 'tag-key') return f.values.some((k) => k in i.tags);
  if (f.name === 'instance-state-name') return f.values.includes(i.state);
  throw new Fault({ status: 400, code: 'InvalidParameterValue', message: `The filter '${f.name}' is invalid` });
}

function instanceActions(instances: Ec2Instance[], backend: InstanceBackend | undefined, track: (work: Promise<void>) => void): Record<string, Handler> {
  const mine = (params: Params, account: Ec2Account) => {
    const ids = list(params, 'InstanceId');
    return ids.map((id) => {
      const found = instances.find((i) => i.instanceId === id && i.accessKeyId === account.accessKeyId);
      if (!found) throw new Fault({ status: 400, code: 'InvalidInstanceID.NotFound', message: `The instance ID '${id}' does not exist` });
      return found;
    });
  };
  const boot = (i: Ec2Instance) =>
    track(
      (i.machine ? backend!.boot(i.machine, i.userData) : Promise.resolve())
        .then(() => {
          if (i.state === 'pending') i.state = 'running';
        })
        .catch(() => {
          // A failed boothook leaves the machine up (its console log says why), as on EC2.
          if (i.state === 'pending') i.state = 'running';
        }),
    );
  return {
    async RunInstances(params, account) {
      if (!backend) throw new Fault({ status: 400, code: 'Unsupported', message: 'This endpoint launches no instances' });
      const token = params.get('ClientToken');
      const again = token ? instances.filter((i) => i.clientToken === token && i.accessKeyId === account.accessKeyId) : [];
      if (again.length) return `<reservationId>${again[0]!.reservationId}</reservationId><ownerId>123456789012</ownerId><instancesSet>${again.map(instanceXml).join('')}</instancesSet>`;
      const count = Number(params.get('MaxCount') ?? '1');
      if (count !== 1 || params.get('MinCount') !== '1') throw new Fault({ status: 400, code: 'InvalidParameterValue', message: 'This endpoint launches one instance per call (MinCount = MaxCount = 1)' });
      const subnetId = params.get('SubnetId') ?? '';
      if (!account.subnets.includes(subnetId)) throw new Fault({ status: 400, code: 'InvalidSubnetID.NotFound', message: `The subnet ID '${subnetId}' does not exist` });
      const groups = list(params, 'SecurityGroupId');
      const missingGroup = groups.find((g) => !account.securityGroups.includes(g));
      if (missingGroup) throw new Fault({ status: 400, code: 'InvalidGroup.NotFound', message: `The security group '${missingGroup}' does not exist` });
      const imageId = params.get('ImageId') ?? '';
      if (!/^ami-[0-9a-f]{8,17}$/.test(imageId)) throw new Fault({ status: 400, code: 'InvalidAMIID.Malformed', message: `Invalid id: "${imageId}"` });
      const machine = await backend.create();
      const instance: Ec2Instance = {
        instanceId: `i-${hex(17)}`,
        reservationId: `r-${hex(17)}`,
        accessKeyId: account.accessKeyId,
        clientToken: token,
        imageId,
        instanceType: params.get('InstanceType') ?? 'm1.small',
        subnetId,
        securityGroupIds: groups,
        tags: tagSpecification(params),
        state: 'pending',
        privateIpAddress: machine.host.ip,
        launchTime: new Date().toISOString(),
        userData: Buffer.from(params.get('UserData') ?? '', 'base64').toString('utf8'),
        spotType: params.get('InstanceMarketOptions.MarketType') === 'spot' ? (params.get('InstanceMarketOptions.SpotOptions.SpotInstanceType') === 'persistent' ? 'persistent' : 'one-time') : null,
        machine,
      };
      instances.push(instance);
      boot(instance);
      return `<reservationId>${instance.reservationId}</reservationId><ownerId>123456789012</ownerId><instancesSet>${instanceXml(instance)}</instancesSet>`;
    },

    DescribeInstances(params, account) {
      const ids = list(params, 'InstanceId');
      const fs = filters(params);
      const found = (ids.length ? mine(params, account) : instances.filter((i) => i.accessKeyId === account.accessKeyId)).filter((i) => fs.every((f) => matches(i, f)));
      if (!params.has('MaxResults')) return reservationsXml(found);
      // Pages as EC2 pages them: MaxResults (5 to 1000, never with instance ids) and an opaque NextToken.
      const max = Number(params.get('MaxResults'));
      if (ids.length || !Number.isInteger(max) || max < 5 || max > 1000) throw new Fault({ status: 400, code: 'InvalidParameterValue', message: `Value ( ${params.get('MaxResults')} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000, without instance ids.` });
      const from = params.has('NextToken') ? Number(Buffer.from(params.get('NextToken')!, 'base64url').toString()) : 0;
      if (!Number.isInteger(from) || from < 0) throw new Fault({ status: 400, code: 'InvalidParameterValue', message: 'The token is invalid' });
      const next = from + max < found.length ? `<nextToken>${Buffer.from(String(from + max)).toString('base64url')}</nextToken>` : '';
      return `${reservationsXml(found.slice(from, from + max))}${next}`;
    },

    StopInstances(params, account) {
      const oneTime = mine(params, account).find((i) => i.spotType === 'one-time');
      if (oneTime) throw new Fault({ status: 400, code: 'UnsupportedOperation', message: `You can't stop the Spot Instance '${oneTime.instanceId}' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.` });
      const changes = mine(params, account).map((i) => {
        const previous = i.state;
        if (i.state === 'running' || i.state === 'pending') {
          i.state = 'stopping';
          track((i.machine ? backend!.halt(i.machine) : Promise.resolve()).then(() => void (i.state = 'stopped')));
        }
        return { i, previous };
      });
      return stateChangeXml('instancesSet', changes);
    },

    StartInstances(params, account) {
      const changes = mine(params, account).map((i) => {
        const previous = i.state;
        if (i.state === 'stopped') {
          i.state = 'pending';
          boot(i);
        } else if (i.state !== 'running' && i.state !== 'pending') throw new Fault({ status: 400, code: 'IncorrectInstanceState', message: `The instance '${i.instanceId}' is not in a state from which it can be started.` });
        return { i, previous };
      });
      return stateChangeXml('instancesSet', changes);
    },

    TerminateInstances(params, account) {
      const changes = mine(params, account).map((i) => {
        const previous = i.state;
        if (i.state !== 'terminated' && i.state !== 'shutting-down') {
          i.state = 'shutting-down';
          track((i.machine ? backend!.destroy(i.machine) : Promise.resolve()).then(() => void (i.state = 'terminated')));
        }
        return { i, previous };
      });
      return stateChangeXml('instancesSet', changes);
    },
  };
}
