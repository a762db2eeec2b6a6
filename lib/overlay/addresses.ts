// The overlay range and its /24 blocks: one block per unit group, one host number per node.

/** 100.64.0.0/10 (shared address space, RFC 6598): clear of the private ranges campus and cloud networks use. */
const RANGE_BASE = (100 << 24) | (64 << 16);
export const BLOCKS = 1 << 14;
export const HOSTS_PER_BLOCK = 254;

export function blockAddress(block: number, hostNo: number): string {
  const value = (RANGE_BASE + block * 256 + hostNo) >>> 0;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}
