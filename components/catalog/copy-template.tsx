'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ApiError, api } from '../api';
import { useT } from '../i18n';
import { FieldError, inputClass } from './parameter-field';
import { useSay } from './say';

// このテンプレートをコピー: the organization's own copy, which it may then edit and build from.

export function CopyTemplate({ slug, organizations }: { slug: string; organizations: { id: string; name: string }[] }) {
  const t = useT();
  const say = useSay();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [newSlug, setNewSlug] = useState(`${slug}-copy`.slice(0, 31));
  const [organizationId, setOrganizationId] = useState(organizations[0]?.id ?? '');
  const copy = useMutation({
    mutationFn: () => api.post<{ slug: string }>(`/api/v1/templates/${encodeURIComponent(slug)}/copy`, { newSlug: newSlug.trim(), organizationId }),
    onSuccess: async ({ slug: copied }) => {
      await queryClient.invalidateQueries({ queryKey: ['templates'] });
      router.push(`/catalog/${encodeURIComponent(copied)}`);
      router.refresh();
    },
  });
  const fields = copy.error instanceof ApiError ? copy.error.fields : {};
  const otherError = copy.error && !fields.newSlug ? say('templateEditor.copy.failed', { message: copy.error.message }) : null;

  return (
    <form
      className="rounded-lg border border-slate-200 bg-white p-4"
      aria-labelledby="copy-template-title"
      onSubmit={(e) => {
        e.preventDefault();
        copy.mutate();
      }}
    >
      <h2 id="copy-template-title" className="font-semibold">
        {t('templateEditor.copy.title')}
      </h2>
      <p className="mt-1 text-sm text-slate-600">{t('templateEditor.copy.lead')}</p>
      <label htmlFor="copy-new-slug" className="mt-3 block text-sm font-medium">
        {t('templateEditor.copy.newSlug')}
      </label>
      <input
        id="copy-new-slug"
        value={newSlug}
        onChange={(e) => setNewSlug(e.target.value)}
        className={inputClass}
        aria-invalid={!!fields.newSlug}
        aria-describedby={fields.newSlug ? 'copy-new-slug-error' : 'copy-new-slug-help'}
        autoComplete="off"
        spellCheck={false}
      />
      <p id="copy-new-slug-help" className="mt-1 text-xs text-slate-500">
        {t('templateEditor.copy.newSlug.help')}
      </p>
      <FieldError id="copy-new-slug" message={fields.newSlug} />
      {organizations.length > 1 && (
        <>
          <label htmlFor="copy-organization" className="mt-3 block text-sm font-medium">
            {t('templateEditor.copy.organization')}
          </label>
          <select id="copy-organization" value={organizationId} onChange={(e) => setOrganizationId(e.target.value)} className={inputClass}>
            {organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </>
      )}
      {otherError && (
        <p role="alert" className="mt-2 text-sm text-rose-700">
          {otherError}
        </p>
      )}
      <button
        type="submit"
        disabled={copy.isPending || !newSlug.trim()}
        className="mt-3 w-full rounded border border-indigo-600 px-4 py-2 font-semibold text-indigo-700 hover:bg-indigo-50 disabled:opacity-50"
      >
        {copy.isPending ? t('templateEditor.copy.submitting') : t('templateEditor.copy.submit')}
      </button>
    </form>
  );
}
