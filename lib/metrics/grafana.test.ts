// docs/grafana/ocs-portal.json charts what GET /api/v1/metrics serves, laid out as OCS's board:
// node panels on the left, application panels on the right.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from '@/lib/repo-root';
import { servedMetricNames } from './prometheus';

interface Panel {
  type: string;
  title: string;
  gridPos: { x: number };
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(readFileSync(path.join(findRepoRoot(), 'docs/grafana/ocs-portal.json'), 'utf8')) as { uid: string; panels: Panel[] };
const charts = dashboard.panels.filter((p) => p.type === 'timeseries');
const namesIn = (p: Panel) => (p.targets ?? []).flatMap((t) => t.expr.match(/\bocs_[a-z0-9_]+/g) ?? []);

describe('the Grafana dashboard', () => {
  it('queries only metrics the portal serves', () => {
    const served = new Set(servedMetricNames());
    const used = charts.flatMap(namesIn);
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((n) => !served.has(n))).toEqual([]);
  });

  it('puts node panels on the left and application panels on the right', () => {
    const sides = charts.map((p) => {
      const names = namesIn(p);
      const side = names.every((name) => name.startsWith('ocs_application_')) ? 12 : names.every((name) => name.startsWith('ocs_node_')) ? 0 : null;
      return [p.title, side, p.gridPos.x];
    });
    expect(sides.filter(([, side, x]) => side !== x)).toEqual([]);
  });
});
