// vSphere's wire formats without a client library (none is maintained for JavaScript): vim25 SOAP
// envelopes written with template strings and read with a maintained XML parser (@xmldom/xmldom),
// a SOAP fault or an HTTP failure turned into a VmwareFault named by the fault's type, and the
// HTTPS transport both vim25 and the Automation REST API (tags) go over. vCenter's certificate is
// verified against the account's CA certificate when it gives one (vCenter's own VMCA root), else
// against the system's CAs; never skipped, whatever NODE_TLS_REJECT_UNAUTHORIZED says.
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { Agent, request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { VmwareFault } from './errors';

const SOAPENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XSD = 'http://www.w3.org/2001/XMLSchema';

/** A managed object reference: its type (VirtualMachine, Folder, …) and its id in this vCenter (vm-42). */
export interface Moref {
  type: string;
  value: string;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<name>text</name>`, with an xsi:type when the schema's type is abstract or `anyType`. */
export function el(name: string, content: string | number | boolean, xsiType?: string): string {
  const body = typeof content === 'string' ? content : String(content);
  return `<${name}${xsiType ? ` xsi:type="${xsiType}"` : ''}>${body}</${name}>`;
}

export function text(name: string, value: string | number | boolean, xsiType?: string): string {
  return el(name, typeof value === 'string' ? escapeXml(value) : value, xsiType);
}

export function moref(name: string, ref: Moref): string {
  return `<${name} type="${escapeXml(ref.type)}">${escapeXml(ref.value)}</${name}>`;
}

/** An element of an answer: its children by local name, its xsi:type, its text. */
export class XmlNode {
  constructor(private readonly element: Element) {}

  get name(): string {
    return this.element.localName ?? this.element.nodeName;
  }

  /** The xsi:type without a namespace prefix (VirtualE1000, string, ArrayOfVirtualDevice). */
  get xsiType(): string | null {
    const type = this.element.getAttributeNS(XSI, 'type');
    return type ? type.replace(/^.*:/, '') : null;
  }

  get text(): string {
    return this.element.textContent ?? '';
  }

  attr(name: string): string | null {
    return this.element.getAttribute(name) || null;
  }

  get children(): XmlNode[] {
    const found: XmlNode[] = [];
    for (let n = this.element.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) found.push(new XmlNode(n as Element));
    return found;
  }

  all(name: string): XmlNode[] {
    return this.children.filter((c) => c.name === name);
  }

  child(name: string): XmlNode | undefined {
    return this.children.find((c) => c.name === name);
  }

  /** The text of the child at `path` (a.b.c), if there is one. */
  textAt(path: string): string | undefined {
    return path.split('.').reduce<XmlNode | undefined>((node, part) => node?.child(part), this)?.text;
  }

  get moref(): Moref {
    return { type: this.attr('type') ?? '', value: this.text };
  }

  /** This element as XML, named `name` in the request being written (answers name array items after their type). */
  renamed(name: string, replace: Record<string, string> = {}): string {
    const serializer = new XMLSerializer();
    const inner = this.children.map((c) => replace[c.name] ?? serializer.serializeToString(c.element)).join('');
    return el(name, inner, this.xsiType ?? undefined);
  }
}

function parseXml(xml: string): XmlNode {
  const fail = (message: string) => {
    throw new VmwareFault('NotVcenter', `the answer is not XML: ${message}`);
  };
  const doc = new DOMParser({ errorHandler: { warning: () => {}, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml');
  if (!doc.documentElement) fail('no root element');
  return new XmlNode(doc.documentElement!);
}

export function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAPENV}" xmlns:xsd="${XSD}" xmlns:xsi="${XSI}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

/** A vim25 fault (a SOAP fault's detail, or a task's info.error.fault) as a VmwareFault named by its type. */
export function faultOf(fault: XmlNode | undefined, message: string): VmwareFault {
  const type = fault?.xsiType ?? fault?.name.replace(/Fault$/, '') ?? 'UnknownFault';
  // What each fault names, where it says which privilege, name or object it is about.
  const about = ['privilegeId', 'name', 'obj', 'existingState', 'file', 'datastore']
    .flatMap((field) => {
      const value = fault?.child(field)?.text;
      return value ? [`${field} ${value}`] : [];
    })
    .join(', ');
  return new VmwareFault(type, [message || type, about].filter(Boolean).join(': '));
}

/** The body of a SOAP answer, or the fault it carries. */
export function soapBody(xml: string, status: number): XmlNode {
  const root = parseXml(xml);
  const body = root.name === 'Envelope' ? root.child('Body') : undefined;
  if (!body) throw new VmwareFault(status >= 500 ? 'ServiceUnavailable' : 'NotVcenter', `HTTP ${status} without a SOAP envelope: ${xml.slice(0, 200)}`);
  const fault = body.child('Fault');
  if (fault) throw faultOf(fault.child('detail')?.children[0], fault.child('faultstring')?.text ?? '');
  return body;
}

// ── HTTPS ────────────────────────────────────────────────────────────────────────────────────

/** Node's names for a certificate that does not verify. */
const TLS_CODES = /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE)$/;

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Keeps connections to one vCenter open between calls, trusting its CA when one is given. */
export function vcenterAgent(caCertificate: string | undefined): Agent {
  return new Agent({ keepAlive: true, timeout: 60_000, rejectUnauthorized: true, ...(caCertificate ? { ca: caCertificate } : {}) });
}

/** One HTTPS request, once. A failure before any answer is Unreachable (or UntrustedCertificate). */
export function httpsCall(agent: Agent, url: URL, init: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number }): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: init.method, headers: init.headers, rejectUnauthorized: true, timeout: init.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(new VmwareFault('Unreachable', `${url.host}: ${e.message}`)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${init.timeoutMs / 1000} s`)));
    req.on('error', (e: Error & { code?: string }) => {
      const untrusted = TLS_CODES.test(e.code ?? '');
      reject(new VmwareFault(untrusted ? 'UntrustedCertificate' : 'Unreachable', `${url.host}: ${e.message}`));
    });
    req.end(init.body);
  });
}
