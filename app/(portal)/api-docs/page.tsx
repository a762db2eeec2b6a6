import { apiDocument } from '@/lib/api/document';
import { ROUTES } from '@/lib/api/registry';
import { API_TAGS, type ApiTag } from '@/lib/api/tags';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';

// The API reference, made from the same OpenAPI document /api/v1/openapi.json serves; in Japanese,
// the operations' summaries and groups come from their contracts (the document is in English).

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  parameters: Parameter[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

const METHOD_COLOURS: Record<string, string> = {
  get: 'bg-sky-100 text-sky-800',
  post: 'bg-emerald-100 text-emerald-800',
  put: 'bg-amber-100 text-amber-800',
  patch: 'bg-amber-100 text-amber-800',
  delete: 'bg-rose-100 text-rose-800',
};

const PYTHON_EXAMPLE = `from ocs_portal import VcpSDK   # was: from common import logsetting; from vcpsdk.vcpsdk import VcpSDK
vcp = VcpSDK(token, "https://<portal>")   # was: vcp = VcpSDK(token)

ug = vcp.create_ugroup("my-class")
spec = vcp.get_spec("local", "small")
spec.num_nodes = 2
unit = ug.create_unit("web", spec)
print(ug.find_ip_addresses(node_state="RUNNING"))
ug.cleanup()`;

function typeOf(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).join(' | ');
  if (schema.format) return `${String(schema.type)} (${String(schema.format)})`;
  return String(schema.type ?? (schema.anyOf ? 'one of several' : 'any'));
}

function Schema({ label, schema }: { label: string; schema: unknown }) {
  return (
    <details className="mt-2">
      <summary className="cursor-pointer text-sm font-medium text-slate-700">{label}</summary>
      <pre className="mt-1 max-h-96 overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(schema, null, 2)}</pre>
    </details>
  );
}

export default async function ApiDocsPage() {
  const locale = await currentLocale();
  const t = (key: Parameters<typeof translate>[1]) => translate(locale, key);
  const document = apiDocument() as { info: { version: string }; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
  const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const tags = [...new Set(operations.map((o) => o.op.tags[0]! as ApiTag))];
  const summaryJa = new Map(ROUTES.map((c) => [c.operationId, c.summaryJa]));
  const tagLabel = (tag: ApiTag) => (locale === 'ja' ? API_TAGS[tag] : tag);
  const summaryOf = (op: Operation) => (locale === 'ja' ? (summaryJa.get(op.operationId) ?? op.summary) : op.summary);
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">
        {t('apiDocs.title')} <span className="text-base font-normal text-slate-500">v{document.info.version}</span>
      </h1>
      <p className="mb-4 text-sm text-slate-600">{t('apiDocs.lead')}</p>
      <ul className="mb-6 space-y-2 text-sm">
        <li>
          <a className="text-sky-700 underline" href="/api/v1/openapi.json">
            {t('apiDocs.document')}
          </a>
        </li>
        <li>
          <a className="text-sky-700 underline" href="/downloads/ocs_portal.py" download>
            {t('apiDocs.python')}
          </a>
          <p className="text-slate-600">{t('apiDocs.python.help')}</p>
          <pre className="mt-1 overflow-auto rounded bg-slate-50 p-2 text-xs">{PYTHON_EXAMPLE}</pre>
        </li>
        <li>
          <span className="font-medium">{t('apiDocs.typescript')}</span>: <span className="text-slate-600">{t('apiDocs.typescript.help')}</span>
        </li>
      </ul>
      <nav className="mb-6 flex flex-wrap gap-2 text-sm">
        {tags.map((tag) => (
          <a key={tag} href={`#${encodeURIComponent(tag)}`} className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100">
            {tagLabel(tag)}
          </a>
        ))}
      </nav>
      {tags.map((tag) => (
        <section key={tag} id={encodeURIComponent(tag)} className="mb-8">
          <h2 className="mb-3 text-xl font-semibold">{tagLabel(tag)}</h2>
          {operations
            .filter((o) => o.op.tags[0] === tag)
            .map(({ path, method, op }) => {
              const [success, response] = Object.entries(op.responses).find(([status]) => status !== 'default')!;
              return (
                <article key={op.operationId} id={op.operationId} className="mb-4 rounded border border-slate-200 p-3" data-testid="api-operation">
                  <h3 className="font-mono text-sm">
                    <span className={`mr-2 rounded px-1.5 py-0.5 font-bold uppercase ${METHOD_COLOURS[method] ?? ''}`}>{method}</span>
                    {path}
                    <span className="ml-2 text-slate-500">{op.operationId}</span>
                  </h3>
                  <p className="mt-1 text-sm">{summaryOf(op)}</p>
                  <p className="mt-1 whitespace-pre-line text-xs text-slate-600">{op.description}</p>
                  {op.parameters.length > 0 && (
                    <table className="mt-2 text-xs">
                      <caption className="text-left font-medium text-slate-700">{t('apiDocs.parameters')}</caption>
                      <tbody>
                        {op.parameters.map((p) => (
                          <tr key={`${p.in}-${p.name}`}>
                            <td className="pr-3 font-mono">{p.name}</td>
                            <td className="pr-3 text-slate-500">
                              {t('apiDocs.in')} {p.in}
                              {p.required ? `, ${t('apiDocs.required')}` : ''}
                            </td>
                            <td className="pr-3 font-mono text-slate-600">{typeOf(p.schema)}</td>
                            <td className="text-slate-600">{p.description}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                  {op.requestBody && <Schema label={t('apiDocs.body')} schema={Object.values(op.requestBody.content)[0]!.schema} />}
                  {response.content && <Schema label={`${t('apiDocs.response')} ${success}`} schema={Object.values(response.content)[0]!.schema} />}
                </article>
              );
            })}
        </section>
      ))}
    </>
  );
}
