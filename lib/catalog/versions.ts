// Semantic version order, so "newest" and "greater than the newest" mean what semver says.

function parse(version: string): { core: number[]; pre: string | null } {
  // Build metadata (+...) never orders versions.
  const main = version.split('+')[0]!;
  const dash = main.indexOf('-');
  const core = (dash === -1 ? main : main.slice(0, dash)).split('.').map(Number);
  return { core, pre: dash === -1 ? null : main.slice(dash + 1) };
}

function comparePre(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Negative when a is older than b, positive when newer, 0 when equal in precedence. */
export function compareVersions(a: string, b: string): number {
  const va = parse(a);
  const vb = parse(b);
  for (let i = 0; i < 3; i++) if ((va.core[i] ?? 0) !== (vb.core[i] ?? 0)) return (va.core[i] ?? 0) - (vb.core[i] ?? 0);
  // A pre-release comes before its release: 1.0.0-rc.1 < 1.0.0.
  if (va.pre === null || vb.pre === null) return va.pre === vb.pre ? 0 : va.pre === null ? 1 : -1;
  return comparePre(va.pre, vb.pre);
}
