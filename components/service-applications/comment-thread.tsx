'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api } from '../api';
import { useLocale, useT } from '../i18n';
import { formatTime } from '../time';
import { applicationQueryKey, type ApplicationDetailJson } from './types';

/** The thread between applicant and NII staff; a form to add to it while the application is open. */
export function CommentThread({ application: a }: { application: ApplicationDetailJson }) {
  const t = useT();
  const locale = useLocale();
  const client = useQueryClient();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const post = useMutation({
    mutationFn: (text: string) => api.post(`/api/v1/service-applications/${a.id}/comments`, { body: text }),
    onSuccess: () => {
      setBody('');
      void client.invalidateQueries({ queryKey: applicationQueryKey(a.id) });
    },
    onError: (e) => setError(e instanceof ApiError ? (e.fields.body ?? e.message) : String(e)),
  });
  function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    if (!body.trim()) return setError(t('form.required'));
    post.mutate(body.trim());
  }
  return (
    // No aria-label: it would share the name of the comment field, which tests find by its label.
    <section data-testid="application-thread" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 className="text-lg font-semibold">{t('application.thread')}</h2>
      {a.comments.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">{t('application.noComments')}</p>
      ) : (
        <ol className="mt-3 space-y-3" data-testid="comment-thread">
          {a.comments.map((c) => (
            <li key={c.id} className={`rounded border p-3 text-sm ${c.authorIsStaff ? 'border-indigo-200 bg-indigo-50' : 'border-slate-200'}`}>
              <p className="text-xs text-slate-500">
                {c.authorName}
                {c.authorIsStaff && <span className="ml-2 rounded bg-indigo-100 px-1.5 py-0.5 text-indigo-800">{t('application.staff')}</span>} · {formatTime(c.createdAt, locale)}
              </p>
              <p className="mt-1 whitespace-pre-wrap">{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      {a.allowed.comment && (
        <form onSubmit={onSubmit} noValidate className="mt-4">
          <label className="block text-sm font-medium" htmlFor="commentBody">
            {t('application.commentBody')}
          </label>
          <textarea
            id="commentBody"
            rows={3}
            className="mt-1 w-full rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-rose-500"
            value={body}
            onChange={(e) => setBody(e.target.value)}
            aria-invalid={!!error}
            aria-describedby={error ? 'commentBody-error' : undefined}
          />
          {error && (
            <p id="commentBody-error" role="alert" className="mt-1 text-sm text-rose-700">
              {error}
            </p>
          )}
          <button type="submit" disabled={post.isPending} className="mt-2 rounded bg-indigo-600 px-4 py-1.5 text-sm font-semibold text-white hover:bg-indigo-700 disabled:opacity-50">
            {t('application.commentButton')}
          </button>
        </form>
      )}
    </section>
  );
}
