import { randomBytes, randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '@/lib/auth/actor';
import { getBuildDetail } from '@/lib/builds/queries';
import { loadTemplateRuntime } from '@/lib/builds/template-runtime';
import type { Database } from '@/lib/db/client';
import { runMigrations } from '@/lib/db/migrate';
import * as schema from '@/lib/db/schema';
import { reencryptSecrets } from '@/lib/secrets/reencrypt';
import { ownDatabase, type OwnDatabase } from '@/test/own-database';
import { databaseText, secretKeeperTemplate } from '@/test/secret-keeper';

// An installation made by the first release, upgraded: its data must survive every later migration.
const drizzleFolder = path.resolve(import.meta.dirname, '../../drizzle');
let own: OwnDatabase;
let url: string;
let pool: pg.Pool;
let database: Database;

beforeAll(async () => {
  own = await ownDatabase('upgrade', { migrate: false, poolSize: 4 });
  ({ url, pool, db: database } = own);
});

afterAll(async () => {
  await own?.drop();
});

/** Applies drizzle/0000_init.sql alone, as the first release did. */
async function migrateToFirstRelease(): Promise<void> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'ocs-first-migration-'));
  try {
    const journal = JSON.parse(await readFile(path.join(drizzleFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    expect(journal.entries[0]!.tag).toBe('0000_init');
    await mkdir(path.join(folder, 'meta'));
    await writeFile(path.join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
    await copyFile(path.join(drizzleFolder, '0000_init.sql'), path.join(folder, '0000_init.sql'));
    const client = new pg.Client(url);
    await client.connect();
    try {
      await migrate(drizzle(client), { migrationsFolder: folder });
    } finally {
      await client.end();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

const q = (text: string, values: unknown[] = []) => pool.query(text, values);
const ids = { institution: randomUUID(), organization: randomUUID(), user: randomUUID(), template: randomUUID(), version: randomUUID() };
const plain = { shown: `G${randomBytes(12).toString('hex')}`, revealed: `R${randomBytes(12).toString('hex')}`, parameter: `P${randomBytes(12).toString('hex')}` };
const made = { shownBuild: randomUUID(), revealedBuild: randomUUID(), scaleBuild: randomUUID(), shownGroup: randomUUID(), revealedGroup: randomUUID() };

/** A unit group with one unit of `nodes` nodes, as the first release stored it. */
async function insertUnitGroup(id: string, groupName: string, nodes: number): Promise<void> {
  await q(`insert into unit_groups (id, organization_id, name, owner_id, state) values ($1, $2, $3, $4, 'RUNNING')`, [id, ids.organization, groupName, ids.user]);
  const unit = randomUUID();
  await q(
    `insert into units (id, unit_group_id, name, role, state, provider, flavor, num_nodes, image, tags) values ($1, $2, 'web', 'web', 'RUNNING', 'local', 'small', $3, 'ocs/base:1.0', $4)`,
    [unit, id, nodes, { 'ocs.template': 'secret-keeper', 'ocs.templateVersion': '1.0.0' }],
  );
  for (let no = 1; no <= nodes; no++) {
    const node = randomUUID();
    await q(
      `insert into nodes (id, unit_id, unit_group_id, node_no, name, state, ip_address, provider_resource_id, agent_url) values ($1, $2, $3, $4, $5, 'RUNNING', $6, $5, $7)`,
      [node, unit, id, no, `ocs-${node}`, `127.91.200.${no}`, `http://127.91.200.${no}:9100`],
    );
  }
}

/** A finished build as the first release stored it: secrets in plain JSON, secret outputs' values in outputs. */
async function insertBuild(id: string, group: string, opts: { kind: 'create' | 'scale'; secrets?: object; admin?: string; revealed?: boolean }): Promise<void> {
  const outputs = [
    { key: 'urls', label: { ja: 'URL', en: 'URLs' }, kind: 'url', values: ['http://127.91.200.1:8080/'] },
    ...(opts.admin ? [{ key: 'admin-password', label: { ja: '管理者パスワード', en: 'Admin password' }, kind: 'secret', values: [opts.admin] }] : []),
  ];
  const columns = ['id', 'organization_id', 'template_version_id', 'created_by', 'unit_group_id', 'kind', 'status', 'parameters', 'outputs', 'secrets_revealed_at', 'finished_at'];
  const values: unknown[] = [id, ids.organization, ids.version, ids.user, group, opts.kind, 'SUCCEEDED', JSON.stringify({ nodes: 1, dbPassword: '********' }), JSON.stringify(outputs), opts.revealed ? new Date() : null, new Date()];
  if (opts.secrets) {
    columns.push('secrets');
    values.push(JSON.stringify(opts.secrets));
  }
  await q(`insert into builds (${columns.join(', ')}) values (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values);
  await q(`insert into build_steps (build_id, position, key, action, status) values ($1, 0, 'create-nodes', 'create-nodes', 'SUCCEEDED')`, [id]);
  await q(`insert into build_logs (build_id, message) values ($1, 'build succeeded')`, [id]);
}

async function seedFirstRelease(): Promise<void> {
  await q(`insert into institutions (id, slug, name, name_ja, domain) values ($1, 'upgrade-univ', 'Upgrade University', 'アップグレード大学', 'upgrade-univ.ac.jp')`, [ids.institution]);
  await q(`insert into organizations (id, institution_id, name, kind, max_nodes) values ($1, $2, '移行研究室', 'lab', 20)`, [ids.organization, ids.institution]);
  await q(`insert into users (id, email, name, name_ja) values ($1, 'owner@upgrade-univ.ac.jp', 'Owner', '所有者')`, [ids.user]);
  await q(`insert into memberships (organization_id, user_id, role) values ($1, $2, 'owner')`, [ids.organization, ids.user]);
  await q(`insert into templates (id, slug, category) values ($1, 'secret-keeper', 'test')`, [ids.template]);
  await q(`insert into template_versions (id, template_id, version, definition) values ($1, $2, '1.0.0', $3)`, [ids.version, ids.template, JSON.stringify(secretKeeperTemplate())]);
  await insertUnitGroup(made.shownGroup, 'shown-later', 2);
  await insertUnitGroup(made.revealedGroup, 'already-shown', 1);
  await insertBuild(made.shownBuild, made.shownGroup, { kind: 'create', secrets: { parameters: { dbPassword: plain.parameter }, generated: { adminPassword: plain.shown } }, admin: plain.shown });
  // A scale build of the first release: it got the column's default, empty secrets.
  await insertBuild(made.scaleBuild, made.shownGroup, { kind: 'scale' });
  await insertBuild(made.revealedBuild, made.revealedGroup, { kind: 'create', secrets: { parameters: { dbPassword: plain.parameter }, generated: { adminPassword: plain.revealed } }, admin: plain.revealed, revealed: true });
}

const COUNTED = ['institutions', 'organizations', 'users', 'memberships', 'templates', 'template_versions', 'unit_groups', 'units', 'nodes', 'builds', 'build_steps', 'build_logs'];

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of COUNTED) out[table] = Number((await q(`select count(*) from ${table}`)).rows[0].count);
  return out;
}

async function holding(needle: string): Promise<string[]> {
  return [...(await databaseText(pool))].filter(([, text]) => text.includes(needle)).map(([table]) => table);
}

const build = async (id: string) => (await database.query.builds.findFirst({ where: eq(schema.builds.id, id) }))!;

describe('upgrading a database of the first release', () => {
  it('keeps its data through every migration, and its plain secrets stay readable until re-sealed', async () => {
    await migrateToFirstRelease();
    const column = await q(`select data_type from information_schema.columns where table_name = 'builds' and column_name = 'secrets'`);
    expect(column.rows[0].data_type).toBe('jsonb');
    await seedFirstRelease();
    const before = await counts();
    expect(before).toMatchObject({ units: 2, nodes: 3, builds: 3 });

    await runMigrations(url);
    expect(await counts()).toEqual(before);
    const group = await database.query.unitGroups.findFirst({ where: eq(schema.unitGroups.id, made.shownGroup) });
    expect(group).toMatchObject({ name: 'shown-later', state: 'RUNNING', ownerId: ids.user });
    const shown = await build(made.shownBuild);
    expect(shown).toMatchObject({ kind: 'create', status: 'SUCCEEDED', parameters: { nodes: 1, dbPassword: '********' }, secretOutputs: null });
    expect(shown.outputs.map((o) => o.key)).toEqual(['urls', 'admin-password']);
    // Nodes made before they recorded their own place are where their unit is.
    const placed = await database.select({ provider: schema.nodes.provider, flavor: schema.nodes.flavor }).from(schema.nodes);
    expect(placed).toEqual(Array.from({ length: 3 }, () => ({ provider: 'local', flavor: 'small' })));

    // Before re-sealing, the domain reads the plain rows as they are.
    const runtime = await loadTemplateRuntime(database, made.shownGroup, ids.version);
    expect(runtime.values.dbPassword).toBe(plain.parameter);
    expect(runtime.secrets).toEqual({ adminPassword: plain.shown });

    expect(await reencryptSecrets(database)).toEqual({ resealed: 3, unreadable: [] });
    for (const secret of Object.values(plain)) expect(await holding(secret), secret).toEqual([]);
    const sealed = await build(made.shownBuild);
    expect(sealed.secrets).toMatch(/^v1\./);
    expect(sealed.secretOutputs).toMatch(/^v1\./);
    expect(sealed.outputs.find((o) => o.kind === 'secret')?.values).toEqual([]);
    // Shown before the upgrade: the values are gone, as a reveal now destroys them.
    expect(await build(made.revealedBuild)).toMatchObject({ secretOutputs: null, secrets: expect.stringMatching(/^v1\./) });
    expect((await build(made.scaleBuild)).secrets).toBeNull();
    expect(await reencryptSecrets(database)).toEqual({ resealed: 0, unreadable: [] });

    expect(await loadTemplateRuntime(database, made.shownGroup, ids.version)).toMatchObject({ values: { dbPassword: plain.parameter }, secrets: { adminPassword: plain.shown } });
    const owner = (await loadActor(database, ids.user))!;
    const secretOf = async (id: string) => (await getBuildDetail(database, owner, id)).outputs.find((o) => o.kind === 'secret')?.values;
    expect(await secretOf(made.shownBuild)).toEqual([plain.shown]);
    expect(await secretOf(made.shownBuild)).toEqual([]);
    expect(await secretOf(made.revealedBuild)).toEqual([]);
  });

  it('re-seals with a new key while the previous one still opens, and then needs only the new one', async () => {
    const saved = { key: process.env.OCS_SECRET_KEY, previous: process.env.OCS_SECRET_KEY_PREVIOUS };
    try {
      const before = await build(made.shownBuild);
      process.env.OCS_SECRET_KEY = randomBytes(32).toString('base64url');
      process.env.OCS_SECRET_KEY_PREVIOUS = saved.key;
      // Until re-sealed, the previous key opens what it sealed.
      expect((await loadTemplateRuntime(database, made.shownGroup, ids.version)).secrets).toEqual({ adminPassword: plain.shown });
      expect(await reencryptSecrets(database)).toEqual({ resealed: 2, unreadable: [] });
      const after = await build(made.shownBuild);
      expect(after.secrets).toMatch(/^v1\./);
      expect(after.secrets!.split('.')[1]).not.toBe(before.secrets!.split('.')[1]);

      delete process.env.OCS_SECRET_KEY_PREVIOUS;
      expect(await loadTemplateRuntime(database, made.shownGroup, ids.version)).toMatchObject({ values: { dbPassword: plain.parameter }, secrets: { adminPassword: plain.shown } });
      // A key nobody has any more: reported, left alone, nothing lost.
      process.env.OCS_SECRET_KEY = randomBytes(32).toString('base64url');
      const lost = await reencryptSecrets(database);
      expect(lost.resealed).toBe(0);
      expect(lost.unreadable.map((u) => u.buildId).sort()).toEqual([made.shownBuild, made.revealedBuild].sort());
      expect((await build(made.shownBuild)).secrets).toBe(after.secrets);
    } finally {
      process.env.OCS_SECRET_KEY = saved.key;
      if (saved.previous === undefined) delete process.env.OCS_SECRET_KEY_PREVIOUS;
      else process.env.OCS_SECRET_KEY_PREVIOUS = saved.previous;
    }
  });
});
