import type pg from 'pg';
import type { TemplateDefinition } from '@/lib/templates/format';
import { parseTemplateText } from '@/lib/templates/load';

// A template with a secret parameter and a generated credential that its application receives in
// its environment; the application answers with their hashes, so the test sees they arrived. With
// crash: true it prints them and exits, as a misconfigured application might.
const APP = [
  "if (process.env.CRASH === 'true') { console.error('config: db=' + process.env.DB_PASSWORD + ' admin=' + process.env.ADMIN_PASSWORD); process.exit(3); }",
  "const c = require('node:crypto'), h = (s) => c.createHash('sha256').update(s ?? '').digest('hex');",
  "require('node:http').createServer((q, r) => r.end(q.url === '/healthz' ? 'ok' : JSON.stringify({ db: h(process.env.DB_PASSWORD), admin: h(process.env.ADMIN_PASSWORD) })))",
  ".listen(Number(process.env.PORT), process.env.NODE_IP, () => console.log('listening'));",
].join(' ');

const TEMPLATE = `
slug: secret-keeper
version: 1.0.0
category: test
title: { ja: 秘密を受け取るアプリ, en: Secret keeper }
summary: { ja: 秘密のパラメータと生成された認証情報を受け取る, en: Receives a secret parameter and a generated credential }
changelog:
  - { version: 1.0.0, date: 2026-11-01, changes: { ja: 最初の版, en: First version } }
parameters:
  type: object
  required: [dbPassword]
  properties:
    nodes: { type: integer, minimum: 1, maximum: 3, default: 1, x-label: { ja: ノード数, en: Nodes } }
    dbPassword: { type: string, minLength: 12, x-secret: true, x-label: { ja: DB パスワード, en: Database password } }
    crash: { type: boolean, default: false, x-label: { ja: 起動に失敗する, en: Fail to start } }
secrets:
  - { name: adminPassword, length: 24 }
units:
  - { name: web, role: web, nodes: nodes, image: "ocs/base:1.0", flavor: small, providers: [local] }
applications:
  - name: keeper
    role: web
    image: none
    ports: [8080]
    health: { port: 8080, path: /healthz }
    env:
      DB_PASSWORD: "{{ dbPassword }}"
      ADMIN_PASSWORD: "{{ secrets.adminPassword }}"
      CRASH: "{{ crash }}"
    local:
      command: ["{{ nodejs }}", "-e", ${JSON.stringify(APP)}]
steps:
  - { key: create-nodes, action: create-nodes, title: { ja: ノードを作成, en: Create nodes } }
  - { key: start-applications, action: start-applications, title: { ja: 起動, en: Start } }
  - { key: wait-ready, action: wait-ready, title: { ja: 確認, en: Wait } }
outputs:
  - { key: urls, label: { ja: URL, en: URLs }, kind: url, value: "{{ units.web.nodes.('http://' & ip & ':8080/') }}" }
  - { key: admin-password, label: { ja: 管理者パスワード, en: Admin password }, kind: secret, value: "{{ secrets.adminPassword }}" }
`;

/** secret-keeper: a dbPassword parameter (x-secret) and an adminPassword credential, shown once as the output admin-password. */
export function secretKeeperTemplate(): TemplateDefinition {
  const parsed = parseTemplateText(TEMPLATE);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.definition;
}

/** Every row of every table, as text, by table: to show a value is nowhere in the database. */
export async function databaseText(pool: pg.Pool): Promise<Map<string, string>> {
  const { rows: tables } = await pool.query<{ name: string }>(
    `select format('%I.%I', table_schema, table_name) as name from information_schema.tables
     where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  const text = new Map<string, string>();
  for (const { name } of tables) {
    const { rows } = await pool.query<{ text: string | null }>(`select string_agg(t::text, E'\\n') as text from ${name} t`);
    text.set(name, rows[0]!.text ?? '');
  }
  return text;
}
