// The groups the API's operations are listed under, with their names on the Japanese reference page.
export const API_TAGS = {
  'API': 'API',
  'Unit groups': 'ユニットグループ',
  'Units': 'ユニット',
  'Nodes': 'ノード',
  'Builds': 'ビルド',
  'Templates': 'テンプレート',
  'Providers': 'プロバイダ',
  'Metrics': 'メトリクス',
  'Expiry extensions': '利用期限の延長',
  'Organizations': '組織',
  'Members': 'メンバー',
  'API tokens': 'API トークン',
  'Hosts': 'サーバー',
  'Provider accounts': 'クラウドアカウント',
  'Leaks': 'リーク',
  'SSH keys': 'SSH 鍵',
  'Service applications': '利用申請',
  'Webhooks': 'Webhook',
  'Audit': '監査ログ',
} as const;

export type ApiTag = keyof typeof API_TAGS;
