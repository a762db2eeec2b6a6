'use client';
import type { MessageKey } from '@/lib/i18n/messages';
import type { ParameterSchema, TemplateDefinition } from '@/lib/templates/format';
import { useLocale, useT } from '../i18n';
import { useSay, type Say } from './say';
import type { TemplateDetail } from './types';

// The reviewable parts of a template, as reference for whoever builds it: parameters with their
// limits, units (the topology), applications, steps, outputs, and the versions with their changes.

const th = 'whitespace-nowrap border-b border-slate-200 px-2 py-1.5 text-left font-medium text-slate-600';
const td = 'border-b border-slate-100 px-2 py-1.5 align-top';

export function ReferenceSection({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section className="mt-8" aria-labelledby={`${id}-title`} data-testid={`template-section-${id}`}>
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      <div className="mt-2">{children}</div>
    </section>
  );
}

function range(min: number | undefined, max: number | undefined, keys: { both: MessageKey; min: MessageKey; max: MessageKey }, say: Say): string | null {
  if (min !== undefined && max !== undefined) return say(keys.both, { min, max });
  if (min !== undefined) return say(keys.min, { min });
  if (max !== undefined) return say(keys.max, { max });
  return null;
}

const VALUE_RANGE = { both: 'template.limit.range', min: 'template.limit.min', max: 'template.limit.max' } as const;
const LENGTH_RANGE = { both: 'template.limit.length', min: 'template.limit.minLength', max: 'template.limit.maxLength' } as const;
const ITEMS_RANGE = { both: 'template.limit.items', min: 'template.limit.minItems', max: 'template.limit.maxItems' } as const;

/** A parameter's limits, one short phrase (or code) each. */
function limitsOf(p: ParameterSchema, say: Say): React.ReactNode[] {
  const out: React.ReactNode[] = [];
  const pattern = (re: string | undefined, prefix = '') => {
    if (re !== undefined)
      out.push(
        <span key={`${prefix}pattern`}>
          {prefix}
          {say('template.limit.pattern')}: <code className="break-all text-xs">{re}</code>
        </span>,
      );
  };
  const choices = (values: (string | number)[] | undefined) => {
    if (values) out.push(`${say('template.limit.enum')}: ${values.join(', ')}`);
  };
  switch (p.type) {
    case 'integer':
    case 'number':
      out.push(range(p.minimum, p.maximum, VALUE_RANGE, say));
      choices(p.enum);
      break;
    case 'string':
      out.push(range(p.minLength, p.maxLength, LENGTH_RANGE, say));
      pattern(p.pattern);
      choices(p.enum);
      break;
    case 'array': {
      out.push(range(p.minItems, p.maxItems, ITEMS_RANGE, say));
      if (p.uniqueItems) out.push(say('template.limit.unique'));
      const each = `${say('template.limit.entry')} `;
      if (p.items.type === 'integer') {
        const r = range(p.items.minimum, p.items.maximum, VALUE_RANGE, say);
        if (r) out.push(`${each}${r}`);
      } else {
        const r = range(p.items.minLength, p.items.maxLength, LENGTH_RANGE, say);
        if (r) out.push(`${each}${r}`);
        pattern(p.items.pattern, each);
        if (p.items.enum) out.push(`${each}${say('template.limit.enum')}: ${p.items.enum.join(', ')}`);
      }
      break;
    }
    case 'boolean':
      break;
  }
  return out.filter((x) => x !== null);
}

function defaultOf(p: ParameterSchema, say: Say): string {
  if (p.default === undefined || (p.type === 'string' && p['x-secret'])) return '—';
  if (p.type === 'boolean') return p.default ? say('template.yes') : say('template.no');
  if (p.type === 'array') return p.default.length ? p.default.map(String).join(', ') : say('template.emptyList');
  return String(p.default);
}

const TYPE_KEYS = {
  integer: 'template.type.integer',
  number: 'template.type.number',
  string: 'template.type.string',
  boolean: 'template.type.boolean',
} as const satisfies Record<string, MessageKey>;

function typeOf(p: ParameterSchema, say: Say): string {
  if (p.type === 'array') return say(p.items.type === 'integer' ? 'template.type.arrayOfInteger' : 'template.type.arrayOfString');
  return say(TYPE_KEYS[p.type]);
}

export function ParametersTable({ definition }: { definition: TemplateDefinition }) {
  const t = useT();
  const say = useSay();
  const locale = useLocale();
  const entries = Object.entries(definition.parameters.properties);
  if (entries.length === 0) return <p className="text-sm text-slate-600">{t('template.noParameters')}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <thead>
          <tr>
            <th className={th}>{t('template.param.name')}</th>
            <th className={th}>{t('template.param.label')}</th>
            <th className={th}>{t('template.param.type')}</th>
            <th className={th}>{t('template.param.default')}</th>
            <th className={th}>{t('template.param.limits')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([name, p]) => (
            <tr key={name} data-testid={`parameter-${name}`}>
              <td className={td}>
                <code className="font-mono">{name}</code>
                {definition.parameters.required.includes(name) && <span className="ml-1 rounded bg-rose-100 px-1 text-xs text-rose-800">{t('template.required')}</span>}
                {p.type === 'string' && p['x-secret'] && <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-900">{t('template.secret')}</span>}
              </td>
              <td className={td} title={p['x-help']?.[locale]}>
                {p['x-label'][locale]}
              </td>
              <td className={`${td} whitespace-nowrap`}>{typeOf(p, say)}</td>
              <td className={`${td} font-mono text-xs`}>{defaultOf(p, say)}</td>
              <td className={`${td} text-xs`}>
                <ul>
                  {limitsOf(p, say).map((l, i) => (
                    <li key={i}>{l}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Topology({ definition }: { definition: TemplateDefinition }) {
  const t = useT();
  const say = useSay();
  return (
    <>
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <thead>
            <tr>
              <th className={th}>{t('template.unit.name')}</th>
              <th className={th}>{t('template.unit.role')}</th>
              <th className={th}>{t('template.unit.nodes')}</th>
              <th className={th}>{t('template.unit.image')}</th>
              <th className={th}>{t('template.unit.flavor')}</th>
              <th className={th}>{t('template.unit.providers')}</th>
            </tr>
          </thead>
          <tbody>
            {definition.units.map((u) => (
              <tr key={u.name} data-testid={`unit-${u.name}`}>
                <td className={`${td} font-mono`}>{u.name}</td>
                <td className={`${td} font-mono`}>{u.role}</td>
                <td className={td}>{typeof u.nodes === 'number' ? u.nodes : <code className="text-xs">{u.nodes}</code>}</td>
                <td className={`${td} break-all font-mono text-xs`}>
                  {u.image}
                  {u.variants.map((v, i) => (
                    <span key={i} className="mt-1 block font-sans text-slate-600">
                      {t('template.unit.variants')}: {say('template.unit.when', { when: v.when })}
                      {v.flavor && ` → ${v.flavor}`}
                      {v.image && ` → ${v.image}`}
                    </span>
                  ))}
                </td>
                <td className={td}>{u.flavor}</td>
                <td className={td}>
                  {Object.entries(u.providers).map(([id, spec]) => (
                    <span key={id} className="mr-1 inline-block rounded bg-slate-100 px-1.5 text-xs">
                      {id}
                      {spec.flavor && ` (${spec.flavor})`}
                      {spec.volumeSize !== undefined && ` · ${say('template.unit.volume', { size: spec.volumeSize })}`}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {Object.keys(definition.derived).length > 0 && (
        <div className="mt-3 text-sm">
          <h3 className="font-semibold">{t('template.derived')}</h3>
          <p className="text-xs text-slate-500">{t('template.derived.lead')}</p>
          <ul className="mt-1 space-y-0.5">
            {Object.entries(definition.derived).map(([name, expr]) => (
              <li key={name}>
                <code className="font-mono">{name}</code> = <code className="break-all text-xs text-slate-700">{expr}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {definition.secrets.length > 0 && (
        <div className="mt-3 text-sm">
          <h3 className="font-semibold">{t('template.secrets')}</h3>
          <p className="text-xs text-slate-500">{t('template.secrets.lead')}</p>
          <ul className="mt-1">
            {definition.secrets.map((s) => (
              <li key={s.name}>
                <code className="font-mono">{s.name}</code> ({say('template.secrets.length', { length: s.length })})
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

export function Applications({ definition }: { definition: TemplateDefinition }) {
  const t = useT();
  const say = useSay();
  if (definition.applications.length === 0) return <p className="text-sm text-slate-600">{t('template.noApplications')}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <thead>
          <tr>
            <th className={th}>{t('template.param.name')}</th>
            <th className={th}>{t('template.unit.role')}</th>
            <th className={th}>{t('template.unit.image')}</th>
            <th className={th}>{t('template.app.ports')}</th>
            <th className={th}>{t('template.app.health')}</th>
            <th className={th}>{t('template.app.local')}</th>
          </tr>
        </thead>
        <tbody>
          {definition.applications.map((a) => (
            <tr key={a.name} data-testid={`application-${a.name}`}>
              <td className={`${td} font-mono`}>{a.name}</td>
              <td className={`${td} font-mono`}>{a.role}</td>
              <td className={`${td} break-all font-mono text-xs`}>{a.image}</td>
              <td className={`${td} font-mono text-xs`}>{a.ports.join(', ') || '—'}</td>
              <td className={`${td} font-mono text-xs`}>{a.health ? `${a.health.port} ${a.health.path ?? t('template.app.tcp')}` : '—'}</td>
              <td className={`${td} text-xs`}>
                {a.local ? t('template.app.localYes') : t('template.app.localNo')}
                {a.local && a.local.requires.length > 0 && <span className="block text-slate-500">{say('template.app.requires', { programs: a.local.requires.join(', ') })}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function StepsAndOutputs({ definition }: { definition: TemplateDefinition }) {
  const t = useT();
  const say = useSay();
  const locale = useLocale();
  return (
    <div className="grid gap-4 text-sm md:grid-cols-2">
      <div>
        <h3 className="font-semibold">{t('template.steps')}</h3>
        <ol className="mt-1 list-decimal space-y-0.5 pl-5">
          {definition.steps.map((s) => (
            <li key={s.key}>
              {s.title[locale]}
              {s.applications && <span className="text-xs text-slate-500"> — {s.applications.join(', ')}</span>}
              {s.when && <span className="block text-xs text-slate-500">{say('template.when', { when: s.when })}</span>}
            </li>
          ))}
        </ol>
      </div>
      {definition.outputs.length > 0 && (
        <div>
          <h3 className="font-semibold">{t('template.outputs')}</h3>
          <ul className="mt-1 space-y-0.5">
            {definition.outputs.map((o) => (
              <li key={o.key}>
                {o.label[locale]} <span className="text-xs text-slate-500">({t(`template.output.kind.${o.kind}`)})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

export function Versions({ template }: { template: TemplateDetail }) {
  const t = useT();
  const say = useSay();
  const locale = useLocale();
  const day = (iso: string) => new Date(iso).toLocaleDateString(locale === 'ja' ? 'ja-JP' : 'en-GB');
  const published = new Map(template.versions.map((v) => [v.version, day(v.createdAt)]));
  // The changelog names every version; versions published here without an entry are listed too.
  const extra = template.versions.filter((v) => !template.definition.changelog.some((c) => c.version === v.version));
  return (
    <ul className="space-y-2 text-sm">
      {template.definition.changelog.map((c) => (
        <li key={c.version} data-testid={`version-${c.version}`}>
          <span className="font-mono font-semibold">v{c.version}</span> <span className="text-slate-500">{c.date}</span>
          {c.version === template.version && <span className="ml-2 rounded bg-indigo-100 px-1.5 text-xs text-indigo-800">{t('template.version.current')}</span>}
          {published.has(c.version) && <span className="ml-2 text-xs text-slate-500">{say('template.version.published', { date: published.get(c.version)! })}</span>}
          <p className="text-slate-700">{c.changes[locale]}</p>
        </li>
      ))}
      {extra.map((v) => (
        <li key={v.version} data-testid={`version-${v.version}`}>
          <span className="font-mono font-semibold">v{v.version}</span>{' '}
          <span className="text-xs text-slate-500">{say('template.version.published', { date: day(v.createdAt) })}</span>
        </li>
      ))}
    </ul>
  );
}
