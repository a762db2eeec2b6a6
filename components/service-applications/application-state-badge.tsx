'use client';
import type { MessageKey } from '@/lib/i18n/messages';
import { useT } from '../i18n';

// Colour by meaning: grey draft, blue waiting for NII, amber back with the applicant, green/red decided.
const TONES: Record<string, string> = {
  draft: 'bg-slate-100 text-slate-700 ring-slate-300',
  submitted: 'bg-sky-100 text-sky-800 ring-sky-300',
  changes_requested: 'bg-amber-100 text-amber-800 ring-amber-300',
  approved: 'bg-emerald-100 text-emerald-800 ring-emerald-300',
  rejected: 'bg-rose-100 text-rose-800 ring-rose-300',
};

export function ApplicationStateBadge({ state }: { state: string }) {
  const t = useT();
  return (
    <span data-state={state} className={`inline-flex items-center rounded px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${TONES[state] ?? TONES.draft}`}>
      {t(`application.state.${state}` as MessageKey)}
    </span>
  );
}
