'use client';
import { useT } from '../i18n';

/**
 * A modal confirmation. The caller hides the rest of its content from assistive technology
 * (and locators) while it is open, so the confirm button is the only one with its name.
 */
export function ConfirmDialog({
  title,
  subject,
  body,
  confirmLabel,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  title: string;
  subject: string;
  body: string;
  confirmLabel: string;
  pending: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const t = useT();
  return (
    <div className="fixed inset-0 z-10 flex items-center justify-center bg-black/40" role="presentation" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div role="dialog" aria-modal="true" aria-labelledby="confirm-title" className="w-full max-w-md rounded-lg bg-white p-6 shadow-xl">
        <h2 id="confirm-title" className="text-lg font-semibold">
          {title}
        </h2>
        <p className="mt-2 font-mono text-sm break-all">{subject}</p>
        <p className="mt-2 text-sm text-slate-600">{body}</p>
        {error && (
          <p role="alert" className="mt-2 text-sm text-rose-700">
            {error}
          </p>
        )}
        <div className="mt-6 flex justify-end gap-2">
          <button autoFocus onClick={onCancel} className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100">
            {t('org.cancel')}
          </button>
          <button
            onClick={onConfirm}
            disabled={pending}
            className="rounded bg-rose-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-rose-700 disabled:opacity-50"
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
