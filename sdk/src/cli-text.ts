// The `ocs` command's words in Japanese and English (by --lang, else LC_ALL / LC_MESSAGES / LANG).

const ja = {
  usage: `使い方: ocs <コマンド> [引数] [--json] [--url URL] [--token TOKEN] [--no-wait] [--timeout 秒] [--lang ja|en]

  spec PROVIDER [FLAVOR]                     プロバイダのスペック (get_spec)
  unit-groups list                           ユニットグループの一覧
  unit-groups create NAME                    空のユニットグループを作る (create_ugroup)
  unit-groups show NAME                      ユニットとノード
  unit-groups cleanup NAME                   ユニットとノードをすべて削除 (cleanup)
  unit-groups delete NAME                    ユニットグループを削除
  units create GROUP UNIT --provider P [--flavor F] [--nodes N] [--image I] [--port P] [--env K=V]... [--local-command 'cmd args']
  units delete GROUP UNIT                    ユニットとそのノードを削除 (delete_units)
  nodes list GROUP                           ノードの一覧 (df_nodes)
  nodes add GROUP UNIT (--count N | --ip A...)
  nodes delete GROUP UNIT (--count N | --node-no N... | --ip A...)
  nodes power-off GROUP UNIT [--node-no N... | --ip A...]
  nodes power-on GROUP UNIT [--node-no N... | --ip A...]
  ips GROUP [--state RUNNING] [--unit UNIT]  ノードの IP アドレス (find_ip_addresses)
  builds watch ID                            ビルドのログを終わるまで表示
  builds show ID                             ビルドの状態

トークン: --token、環境変数 OCS_TOKEN、または ~/.config/ocs/config.json の {"url", "token"}
終了コード: 0 成功 / 2 使い方の誤り / 3 API が拒否 / 4 ビルドが失敗 / 5 待ち時間切れ / 6 接続できない`,
  noToken: 'API トークンがありません: --token、OCS_TOKEN、または ~/.config/ocs/config.json で指定してください',
  noUrl: 'ポータルの URL がありません: --url、OCS_URL、または ~/.config/ocs/config.json で指定してください',
  unknownCommand: (c: string) => `不明なコマンド: ${c} (ocs --help)`,
  noUnitGroup: (n: string) => `ユニットグループ ${n} はありません`,
  noUnit: (g: string, u: string) => `${g} にユニット ${u} はありません`,
  refused: (code: string, message: string) => `拒否されました (${code}): ${message}`,
  field: (f: string, m: string) => `  ${f}: ${m}`,
  buildFailed: (id: string, status: string, reason: string) => `ビルド ${id} は ${status} で終わりました: ${reason}`,
  timedOut: (id: string) => `待ち時間が過ぎました。ビルド ${id} は続いています: ocs builds watch ${id}`,
  unreachable: (url: string, why: string) => `ポータル ${url} に接続できません: ${why}`,
  done: '完了しました',
  started: (id: string) => `ビルド ${id} を開始しました (ocs builds watch ${id})`,
  deleted: '削除しました',
  columns: { name: '名前', state: '状態', nodes: 'ノード', organization: '組織', created: '作成日時', unit: 'ユニット', no: '番号', ip: 'IP アドレス', provider: 'プロバイダ', id: 'ID', key: '項目', value: '値' },
};

type Text = typeof ja;

const en: Text = {
  usage: `Usage: ocs <command> [arguments] [--json] [--url URL] [--token TOKEN] [--no-wait] [--timeout seconds] [--lang ja|en]

  spec PROVIDER [FLAVOR]                     a provider's spec (get_spec)
  unit-groups list                           unit groups
  unit-groups create NAME                    an empty unit group (create_ugroup)
  unit-groups show NAME                      its units and nodes
  unit-groups cleanup NAME                   delete every unit and node (cleanup)
  unit-groups delete NAME                    delete the unit group
  units create GROUP UNIT --provider P [--flavor F] [--nodes N] [--image I] [--port P] [--env K=V]... [--local-command 'cmd args']
  units delete GROUP UNIT                    delete the unit and its nodes (delete_units)
  nodes list GROUP                           nodes (df_nodes)
  nodes add GROUP UNIT (--count N | --ip A...)
  nodes delete GROUP UNIT (--count N | --node-no N... | --ip A...)
  nodes power-off GROUP UNIT [--node-no N... | --ip A...]
  nodes power-on GROUP UNIT [--node-no N... | --ip A...]
  ips GROUP [--state RUNNING] [--unit UNIT]  the nodes' IP addresses (find_ip_addresses)
  builds watch ID                            a build's log until it ends
  builds show ID                             a build's state

Token: --token, OCS_TOKEN, or {"url", "token"} in ~/.config/ocs/config.json
Exit codes: 0 done / 2 usage error / 3 refused by the API / 4 build failed / 5 wait timed out / 6 cannot connect`,
  noToken: 'No API token: give --token, OCS_TOKEN, or ~/.config/ocs/config.json',
  noUrl: "No portal URL: give --url, OCS_URL, or ~/.config/ocs/config.json",
  unknownCommand: (c) => `Unknown command: ${c} (ocs --help)`,
  noUnitGroup: (n) => `No unit group ${n}`,
  noUnit: (g, u) => `${g} has no unit ${u}`,
  refused: (code, message) => `Refused (${code}): ${message}`,
  field: (f, m) => `  ${f}: ${m}`,
  buildFailed: (id, status, reason) => `Build ${id} ended ${status}: ${reason}`,
  timedOut: (id) => `The wait timed out; build ${id} goes on: ocs builds watch ${id}`,
  unreachable: (url, why) => `Cannot reach the portal ${url}: ${why}`,
  done: 'Done',
  started: (id) => `Build ${id} started (ocs builds watch ${id})`,
  deleted: 'Deleted',
  columns: { name: 'Name', state: 'State', nodes: 'Nodes', organization: 'Organization', created: 'Created', unit: 'Unit', no: 'No.', ip: 'IP address', provider: 'Provider', id: 'ID', key: 'Field', value: 'Value' },
};

export function textFor(lang: string | undefined): Text {
  const locale = lang ?? process.env.LC_ALL ?? process.env.LC_MESSAGES ?? process.env.LANG ?? '';
  return locale.toLowerCase().startsWith('ja') ? ja : en;
}

/** Rows as a table for people: columns padded to their widest cell (East Asian wide characters count double). */
export function table(headers: string[], rows: (string | number | null)[][]): string {
  const width = (s: string) => [...s].reduce((w, c) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(c) ? 2 : 1), 0);
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  return cells.map((r) => r.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  ').trimEnd()).join('\n');
}
