// Text of the metrics charts on the unit group page.
const ja = {
  'metrics.title': 'メトリクス',
  'metrics.range': '期間',
  'metrics.nodes': 'ノード',
  'metrics.applications': 'アプリケーション',
  'metrics.cpu': 'CPU 使用量 (コア)',
  'metrics.memory': 'メモリ使用量',
  'metrics.disk': 'ディスク使用量',
  'metrics.network': 'ネットワーク (受信 / 送信)',
  'metrics.gpu': 'GPU 使用率',
  'metrics.receive': '受信',
  'metrics.transmit': '送信',
  'metrics.empty': 'まだメトリクスがありません。ノードのエージェントが 1 分ごとに送ります。',
  'metrics.prometheus': 'Prometheus で収集するには、API トークンで GET /api/v1/metrics を取得してください (Grafana ダッシュボード: docs/grafana/ocs-portal.json)。',
};

const en: Record<keyof typeof ja, string> = {
  'metrics.title': 'Metrics',
  'metrics.range': 'Range',
  'metrics.nodes': 'Nodes',
  'metrics.applications': 'Applications',
  'metrics.cpu': 'CPU in use (cores)',
  'metrics.memory': 'Memory in use',
  'metrics.disk': 'Disk in use',
  'metrics.network': 'Network (in / out)',
  'metrics.gpu': 'GPU utilisation',
  'metrics.receive': 'in',
  'metrics.transmit': 'out',
  'metrics.empty': 'No metrics yet. Node agents send them every minute.',
  'metrics.prometheus': 'To scrape with Prometheus, GET /api/v1/metrics with an API token (Grafana dashboard: docs/grafana/ocs-portal.json).',
};

export const metricsMessages = { ja, en };
