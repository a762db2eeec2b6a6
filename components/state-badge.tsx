// Colour by meaning: green done/running, blue in progress, red error, grey gone/idle.
const TONES: Record<string, string> = {
  RUNNING: 'bg-emerald-100 text-emerald-800 ring-emerald-300',
  SUCCEEDED: 'bg-emerald-100 text-emerald-800 ring-emerald-300',
  APPLYING: 'bg-sky-100 text-sky-800 ring-sky-300',
  BOOTING: 'bg-sky-100 text-sky-800 ring-sky-300',
  STARTING: 'bg-sky-100 text-sky-800 ring-sky-300',
  QUEUED: 'bg-slate-100 text-slate-700 ring-slate-300',
  PENDING: 'bg-slate-100 text-slate-700 ring-slate-300',
  DELETING: 'bg-amber-100 text-amber-800 ring-amber-300',
  SHUTTING_DOWN: 'bg-amber-100 text-amber-800 ring-amber-300',
  POWER_OFF: 'bg-slate-200 text-slate-700 ring-slate-300',
  CANCELLED: 'bg-slate-200 text-slate-700 ring-slate-300',
  SKIPPED: 'bg-slate-100 text-slate-500 ring-slate-200',
};
const ERROR = 'bg-rose-100 text-rose-800 ring-rose-300';

export function StateBadge({ state }: { state: string }) {
  const tone = TONES[state] ?? (state.includes('ERROR') || state === 'FAILED' ? ERROR : 'bg-slate-100 text-slate-700 ring-slate-300');
  return (
    <span data-state={state} className={`inline-flex items-center rounded px-2 py-0.5 font-mono text-xs font-semibold ring-1 ring-inset ${tone}`}>
      {state}
    </span>
  );
}
