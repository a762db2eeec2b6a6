// Text of a unit's cloud-burst policy on the unit group page.
const ja = {
  'burst.title': 'クラウドバースト',
  'burst.none': 'なし (研究室のサーバーが満杯になると増やせません)',
  'burst.summary': '満杯時は {provider} / {flavor} に最大 {maxNodes} 台',
  'burst.queueSummary': 'Slurm の待ちジョブが {pending} 秒続くと追加、{idle} 秒アイドルで削除',
  'burst.edit': '設定',
  'burst.remove': '解除',
  'burst.save': '保存',
  'burst.cancel': 'キャンセル',
  'burst.provider': 'あふれたノードを作るクラウド',
  'burst.account': 'アカウント',
  'burst.accountDefault': '既定のアカウント',
  'burst.flavor': 'フレーバー',
  'burst.maxNodes': 'クラウドの最大ノード数',
  'burst.queue': 'Slurm の待ちジョブに応じて自動で増減する',
  'burst.pendingSeconds': '待ち時間 (秒) を超えたら追加',
  'burst.idleSeconds': 'アイドル時間 (秒) を超えたら削除',
  'burst.noAccount': 'クラウドのアカウントがありません。先にプロバイダアカウントを追加してください。',
  'burst.overflowNode': 'バースト',
} as const;

const en: Record<keyof typeof ja, string> = {
  'burst.title': 'Cloud burst',
  'burst.none': "None (the unit cannot grow once the lab's servers are full)",
  'burst.summary': 'When full: up to {maxNodes} on {provider} / {flavor}',
  'burst.queueSummary': 'adds a node when Slurm jobs wait {pending} s, removes one idle for {idle} s',
  'burst.edit': 'Set',
  'burst.remove': 'Remove',
  'burst.save': 'Save',
  'burst.cancel': 'Cancel',
  'burst.provider': 'Cloud for overflow nodes',
  'burst.account': 'Account',
  'burst.accountDefault': 'Default account',
  'burst.flavor': 'Flavor',
  'burst.maxNodes': 'Most nodes on the cloud',
  'burst.queue': 'Grow and shrink with the Slurm queue',
  'burst.pendingSeconds': 'Add when a job waits longer than (s)',
  'burst.idleSeconds': 'Remove when idle longer than (s)',
  'burst.noAccount': 'There is no cloud account: add a provider account first.',
  'burst.overflowNode': 'burst',
};

export const burstMessages = { ja, en };
