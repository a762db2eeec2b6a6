// A local EC2 endpoint speaking the EC2 Query API's wire format (cloud-test-peers.md): form-encoded
// POSTs signed with SigV4, XML answers in the 2016-11-15 namespace, errors as
// <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>. It checks
// every signature with the signer AWS's own SDK uses, so a driver that signs wrongly, or with the
// wrong secret, is refused as AWS would refuse it. It knows the accounts, subnets and security
// groups a test gives it; tests can make it answer the next calls with an error (throttling, …).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

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
type Handler = (params: Params, account: Ec2Account) => string;

export interface Ec2Facade {
  readonly url: string;
  /** Actions called, in order, with the access key that signed each. */
  readonly calls: { action: string; accessKeyId: string }[];
  /** The next `times` calls of `action` answer with `fault`. */
  failNext(action: string, fault: Ec2Fault, times?: number): void;
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

const HANDLERS: Record<string, Handler> = {
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
export async function startEc2Facade(accounts: Ec2Account[], options: { port?: number } = {}): Promise<Ec2Facade> {
  const calls: Ec2Facade['calls'] = [];
  const faults: { action: string; fault: Ec2Fault; times: number }[] = [];

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
    const handler = HANDLERS[action];
    if (!handler) return send(400, errorXml('InvalidAction', `The action ${action} is not valid for this web service.`));
    const queued = faults.find((f) => f.action === action && f.times > 0);
    if (queued) {
      queued.times -= 1;
      return send(queued.fault.status, errorXml(queued.fault.code, queued.fault.message));
    }
    if (region !== account.region) return send(401, errorXml('AuthFailure', `This account is not enabled in region ${region}`));
    try {
      send(200, responseXml(action, handler(params, account)));
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
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    failNext: (action, fault, times = 1) => void faults.push({ action, fault, times }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
