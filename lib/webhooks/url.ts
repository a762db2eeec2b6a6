// Where deliveries may go. A receiver is https (its certificate checked) and not on the portal's
// own machine or a link-local address (cloud metadata services live there): a member must not turn
// the portal into a client of what only it can reach, then read the answer in the deliveries list.
// Lab networks (10/8, 172.16/12, 192.168/16) are allowed, as on-premise receivers live there.
// OCS_WEBHOOKS_ALLOW_HTTP=1 also allows plain http and loopback, for development and tests.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export const MAX_URL_LENGTH = 2000;

/** Whether plain http and loopback receivers are allowed (OCS_WEBHOOKS_ALLOW_HTTP=1). */
export function insecureReceiversAllowed(): boolean {
  return process.env.OCS_WEBHOOKS_ALLOW_HTTP === '1';
}

const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet('169.254.0.0', 16, 'ipv4');
ALWAYS_REFUSED.addSubnet('0.0.0.0', 8, 'ipv4');
ALWAYS_REFUSED.addSubnet('fe80::', 10, 'ipv6');
ALWAYS_REFUSED.addAddress('::', 'ipv6');
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Why a receiver's address may not be used, or null. IPv4-mapped IPv6 addresses are judged as IPv4. */
export function refusedAddress(address: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (ALWAYS_REFUSED.check(ip, family)) return `${address} is a link-local or unspecified address`;
  if (!insecureReceiversAllowed() && LOOPBACK.check(ip, family)) return `${address} is the portal's own machine`;
  return null;
}

/** Why `raw` cannot be a webhook URL (for the `url` field), or null. */
export function webhookUrlProblem(raw: string): string | null {
  if (raw.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL such as https://example.ac.jp/hooks/ocs';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
  if (url.protocol === 'http:' && !insecureReceiversAllowed()) return 'must be https (plain http is allowed only when the portal runs with OCS_WEBHOOKS_ALLOW_HTTP=1)';
  // fetch-style clients refuse these, and the URL is shown in lists: a receiver checks the signature instead.
  if (url.username || url.password) return 'must not contain a user name or password; the receiver checks the signature instead';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return insecureReceiversAllowed() ? null : "must not point at the portal's own machine";
  if (isIP(host)) {
    const refused = refusedAddress(host);
    if (refused) return `must not point at ${refused}`;
  }
  return null;
}

/**
 * A DNS lookup for the delivery's connection that refuses what refusedAddress refuses: checked on
 * the address actually connected to, so a name that later resolves elsewhere gains nothing.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, options as LookupOptions, (err, address: string | LookupAddress[], family?: number) => {
    if (err) return callback(err, '', 0);
    const all = Array.isArray(address) ? address : [{ address, family: family ?? 4 }];
    const refused = all.map((a) => refusedAddress(a.address)).find((r) => r !== null);
    if (refused) return callback(Object.assign(new Error(`refused: ${hostname} resolves to ${refused}`), { code: 'EREFUSEDADDRESS' }), '', 0);
    // The caller asked for one address or for all of them (Happy Eyeballs): answer in the same shape.
    (callback as (e: null, a: string | LookupAddress[], f?: number) => void)(null, address, family);
  });
};
