// Text of the API reference page (made from the OpenAPI document) and its downloads.
const ja = {
  'nav.api': 'API',
  'apiDocs.title': 'API リファレンス',
  'apiDocs.lead':
    'スクリプトや Jupyter Notebook から、画面と同じ操作ができます。API トークンを Authorization: Bearer <トークン> で送ってください。一覧はカーソルでページ分けされ、POST は Idempotency-Key ヘッダを付けると 1 回だけ実行されます。',
  'apiDocs.document': 'OpenAPI 3.1 ドキュメント (JSON)',
  'apiDocs.python': 'Python クライアント (ocs_portal.py)',
  'apiDocs.python.help': 'OCS の Notebook は import と接続の行を変えるだけで動きます:',
  'apiDocs.typescript': 'TypeScript SDK と ocs コマンド',
  'apiDocs.typescript.help': 'リポジトリの sdk/ にあります (npm パッケージ @ocs-portal/sdk の形)。',
  'apiDocs.access': '呼び出せる人',
  'apiDocs.parameters': 'パラメータ',
  'apiDocs.body': 'リクエストボディ',
  'apiDocs.response': 'レスポンス',
  'apiDocs.required': '必須',
  'apiDocs.in': '場所',
};

const en: Record<keyof typeof ja, string> = {
  'nav.api': 'API',
  'apiDocs.title': 'API reference',
  'apiDocs.lead':
    'Scripts and Jupyter notebooks can do what the pages do. Send an API token as Authorization: Bearer <token>. Lists are paginated by cursor; a POST with an Idempotency-Key header is done once.',
  'apiDocs.document': 'OpenAPI 3.1 document (JSON)',
  'apiDocs.python': 'Python client (ocs_portal.py)',
  'apiDocs.python.help': 'An OCS notebook runs with only its import and connection lines changed:',
  'apiDocs.typescript': 'TypeScript SDK and the ocs command',
  'apiDocs.typescript.help': 'In the repository\'s sdk/ folder (shaped as the npm package @ocs-portal/sdk).',
  'apiDocs.access': 'Who may call',
  'apiDocs.parameters': 'Parameters',
  'apiDocs.body': 'Request body',
  'apiDocs.response': 'Response',
  'apiDocs.required': 'required',
  'apiDocs.in': 'in',
};

export const apiDocsMessages = { ja, en };
