// Gives every local node its own loopback address. Linux routes all of 127.0.0.0/8 to the
// loopback interface, so any address there can be bound without configuring anything.
// A claim is a directory `<claimsDir>/<ip>`: mkdir is atomic, so concurrent portal and worker
// processes can never hand out the same address twice.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ProviderError } from '../types';

/** Stop searching after this many addresses turned out to be bound by something else. */

export interface Subnet {
  cidr: string;
  /** First address as a 32-bit unsigned number. */
  base: number;
  size: number;
}

function invalid(message: string): ProviderError {
  return new ProviderError('local', 'invalid_request', message, false);
}

function ipToNumber(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') && ipToNumber(ip) !== null;
}

export function parseSubnet(cidr: string): Subnet {
  const [address, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  const start = ipToNumber(address);
  if (start === null || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) {
    throw invalid(`local subnet "${cidr}" is not an IPv4 CIDR with a prefix between /8 and /30`);
  }
  if (!isLoopback(address)) throw invalid(`local subnet "${cidr}" must lie inside 127.0.0.0/8 (loopback)`);
  const size = 2 ** (32 - prefix);
  return { cidr, base: start - (start % size), size };
}

/** Usable addresses of the subnet, skipping .0, .1 and .255 of every /24 (network, gateway, broadcast look-alikes). */
function* hostAddresses(subnet: Subnet): Generator<string> {
  for (let n = subnet.base; n < subnet.base + subnet.size; n++) {
    const last = n & 255;
    if (last === 0 || last === 1 || last === 255) continue;
    yield numberToIp(n);
  }
}

export class IpClaims {
  constructor(
    private readonly claimsDir: string,
    private readonly subnet: Subnet,
  ) {}

  /** Claims a specific address for `owner`; false when another node holds it. */
  async claim(ip: string, owner: string): Promise<boolean> {
    const dir = path.join(this.claimsDir, ip);
    await mkdir(this.claimsDir, { recursive: true });
    try {
      await mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return (await this.ownerOf(ip)) === owner;
    }
    await writeFile(path.join(dir, 'owner'), owner);
    return true;
  }

  /** Claims the first free address of the subnet. */
  async allocate(owner: string): Promise<string> {
    const taken = new Set(await readdir(this.claimsDir).catch(() => []));
    for (const ip of hostAddresses(this.subnet)) {
      if (taken.has(ip) || !(await this.claim(ip, owner))) continue;
      return ip;
    }
    throw new ProviderError('local', 'no_free_ip', `every address of ${this.subnet.cidr} is in use`, false);
  }

  async release(ip: string): Promise<void> {
    await rm(path.join(this.claimsDir, ip), { recursive: true, force: true });
  }

  /** Addresses claimed by `owner` (normally at most one). */
  async ownedBy(owner: string): Promise<string[]> {
    const ips = await readdir(this.claimsDir).catch(() => []);
    const owners = await Promise.all(ips.map((ip) => this.ownerOf(ip)));
    return ips.filter((_, i) => owners[i] === owner);
  }

  private async ownerOf(ip: string): Promise<string | null> {
    return readFile(path.join(this.claimsDir, ip, 'owner'), 'utf8').catch(() => null);
  }
}
