'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRef, useState } from 'react';
import type { SavedTemplateVersionView, TemplateSourceView } from '@/lib/catalog/views';
import { ApiError, api } from '../api';
import { useT } from '../i18n';
import { useSay } from './say';
import { TemplateLoadError } from './template-load-error';

// The YAML editor of a template: 検証して保存 posts a new version; the server's errors are listed
// with their line, column and field, and a click on one (or the line gutter) goes to that line.

interface TemplateError {
  line: number;
  column: number;
  path: string;
  message: string;
}

/** GET /api/v1/templates/:slug/source */
type Source = TemplateSourceView;

const LINE_HEIGHT = 1.5; // rem, the textarea's and the gutter's

export function TemplateEditor({ slug }: { slug: string }) {
  const t = useT();
  const say = useSay();
  const source = useQuery({ queryKey: ['templates', slug, 'source'], queryFn: () => api.get<Source>(`/api/v1/templates/${encodeURIComponent(slug)}/source`) });
  const back = (
    <Link href={`/catalog/${encodeURIComponent(slug)}`} className="text-sm text-indigo-700 hover:underline">
      {t('templateEditor.backToTemplate')}
    </Link>
  );
  if (source.error) return <TemplateLoadError slug={slug} error={source.error} back={back} />;
  if (!source.data) return <p>{t('common.loading')}</p>;
  return (
    <div>
      {back}
      <h1 className="mt-2 text-2xl font-bold">{say('templateEditor.title', { slug })}</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">{say('templateEditor.lead', { version: source.data.version })}</p>
      {source.data.organizationId === null && <p className="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">{t('templateEditor.edit.sharedNote')}</p>}
      <Editor slug={slug} initial={source.data.yaml} />
    </div>
  );
}

function Editor({ slug, initial }: { slug: string; initial: string }) {
  const t = useT();
  const say = useSay();
  const queryClient = useQueryClient();
  const [text, setText] = useState(initial);
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const save = useMutation({
    mutationFn: () => api.post<SavedTemplateVersionView>(`/api/v1/templates/${encodeURIComponent(slug)}/versions`, { yaml: text }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['templates'] }),
  });
  const errors: TemplateError[] = save.error instanceof ApiError ? ((save.error.details.errors as TemplateError[] | undefined) ?? []) : [];
  const badLines = new Set(errors.map((e) => e.line));
  const lines = text.split('\n');

  // Selects the line in the textarea and scrolls to it.
  const goTo = (line: number, column = 1) => {
    const el = area.current;
    if (!el) return;
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start + Math.max(0, column - 1), start + (lines[line - 1]?.length ?? 0));
    el.scrollTop = (line - 3) * LINE_HEIGHT * parseFloat(getComputedStyle(el).fontSize);
  };

  return (
    <form
      className="mt-4"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label htmlFor="template-yaml" className="block text-sm font-medium">
        {t('templateEditor.yaml')}
      </label>
      <div className="mt-1 flex h-[36rem] overflow-hidden rounded border border-slate-300 font-mono text-sm">
        <div ref={gutter} aria-hidden="true" className="shrink-0 overflow-hidden bg-slate-50 py-2 text-right text-slate-400 select-none" style={{ lineHeight: `${LINE_HEIGHT}rem` }}>
          {lines.map((_, i) => (
            <div key={i} onClick={() => goTo(i + 1)} className={`cursor-pointer px-2 ${badLines.has(i + 1) ? 'bg-rose-100 font-semibold text-rose-700' : ''}`} data-error-line={badLines.has(i + 1) || undefined}>
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          id="template-yaml"
          ref={area}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
          spellCheck={false}
          wrap="off"
          aria-invalid={errors.length > 0}
          aria-describedby={errors.length ? 'template-yaml-errors' : undefined}
          className="min-w-0 flex-1 resize-none overflow-auto px-3 py-2 whitespace-pre outline-none"
          style={{ lineHeight: `${LINE_HEIGHT}rem` }}
        />
      </div>

      {errors.length > 0 && (
        <div id="template-yaml-errors" role="alert" className="mt-3 rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-900">
          <p className="font-semibold">{say('templateEditor.errors', { count: errors.length })}</p>
          <ul className="mt-2 space-y-1" data-testid="template-errors">
            {errors.map((e, i) => (
              <li key={i}>
                <button type="button" onClick={() => goTo(e.line, e.column)} className="text-left hover:underline">
                  <span className="font-mono">{say('templateEditor.errorAt', { line: e.line, column: e.column })}</span>{' '}
                  <code className="rounded bg-white px-1">{e.path || t('templateEditor.yamlSyntax')}</code>: {e.message}
                </button>
                <pre className="mt-0.5 overflow-x-auto rounded bg-white px-2 py-0.5 font-mono text-xs text-slate-700">
                  {e.line}: {lines[e.line - 1] ?? ''}
                </pre>
              </li>
            ))}
          </ul>
        </div>
      )}
      {save.error && errors.length === 0 && (
        <p role="alert" className="mt-3 text-sm text-rose-700">
          {save.error instanceof ApiError && save.error.status === 403 ? t('templateEditor.forbidden') : say('templateEditor.failed', { message: save.error.message })}
        </p>
      )}
      {save.data && !save.error && (
        <p role="status" className="mt-3 text-sm text-emerald-800">
          {say('templateEditor.saved', { version: save.data.version })}{' '}
          <Link href={`/catalog/${encodeURIComponent(slug)}`} className="text-indigo-700 underline">
            {t('templateEditor.backToTemplate')}
          </Link>
        </p>
      )}
      <button type="submit" disabled={save.isPending} className="mt-4 rounded bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:opacity-50">
        {save.isPending ? t('templateEditor.saving') : t('templateEditor.save')}
      </button>
    </form>
  );
}
