'use client';
import type { ParameterSchema } from '@/lib/templates/format';
import { useLocale, useT } from '../i18n';
import { entriesOf, type FormValue } from './parameter-input';

export const inputClass = 'mt-1 w-full rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-rose-500';

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={`${id}-error`} role="alert" className="mt-1 text-sm text-rose-700">
      {message}
    </p>
  );
}

/** One template parameter as a form field, chosen by its JSON Schema type. */
export function ParameterField({
  name,
  schema,
  required,
  value,
  error,
  onChange,
}: {
  name: string;
  schema: ParameterSchema;
  required: boolean;
  value: FormValue;
  error: string | undefined;
  onChange: (value: FormValue) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const id = `param-${name}`;
  const help = schema['x-help']?.[locale] ?? (schema.type === 'array' ? t('buildForm.listHelp') : undefined);
  const describedBy = [help && `${id}-help`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const common = { id, name, 'aria-invalid': !!error, 'aria-required': required || undefined, 'aria-describedby': describedBy };
  const example = schema.examples?.[0];
  const placeholder = example === undefined ? undefined : Array.isArray(example) ? example.map(String).join('\n') : String(example);
  const label = (
    <>
      {schema['x-label'][locale]}
      {required && (
        <span aria-hidden="true" className="ml-0.5 text-rose-600">
          *
        </span>
      )}
    </>
  );

  let control: React.ReactNode;
  if (schema.type === 'boolean') {
    return (
      <div className="mt-4">
        <div className="flex items-center gap-2">
          <input {...common} type="checkbox" className="h-4 w-4" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          <label htmlFor={id} className="text-sm font-medium">
            {label}
          </label>
        </div>
        {help && (
          <p id={`${id}-help`} className="mt-1 text-xs text-slate-500">
            {help}
          </p>
        )}
        <FieldError id={id} message={error} />
      </div>
    );
  }
  const text = typeof value === 'string' ? value : '';
  if (schema.type !== 'array' && schema.enum) {
    const hasDefault = schema.default !== undefined;
    control = (
      <select {...common} className={inputClass} value={text} onChange={(e) => onChange(e.target.value)}>
        {!hasDefault && (
          <option value="" disabled={required}>
            {required ? t('buildForm.select') : t('buildForm.unset')}
          </option>
        )}
        {schema.enum.map((v) => (
          <option key={String(v)} value={String(v)}>
            {String(v)}
          </option>
        ))}
      </select>
    );
  } else if (schema.type === 'integer' || schema.type === 'number') {
    control = (
      <input
        {...common}
        type="number"
        inputMode={schema.type === 'integer' ? 'numeric' : 'decimal'}
        step={schema.type === 'integer' ? 1 : 'any'}
        min={schema.minimum}
        max={schema.maximum}
        className={inputClass}
        value={text}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  } else if (schema.type === 'array') {
    control = (
      <textarea
        {...common}
        rows={Math.min(8, Math.max(3, entriesOf(text).length + 1))}
        className={`${inputClass} font-mono text-sm`}
        value={text}
        placeholder={placeholder}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  } else {
    const secret = schema['x-secret'] === true;
    control = (
      <input
        {...common}
        type={secret ? 'password' : 'text'}
        autoComplete={secret ? 'new-password' : 'off'}
        spellCheck={false}
        className={inputClass}
        value={text}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return (
    <div className="mt-4">
      <label className="block text-sm font-medium" htmlFor={id}>
        {label}
      </label>
      {control}
      {help && (
        <p id={`${id}-help`} className="mt-1 text-xs text-slate-500">
          {help}
        </p>
      )}
      <FieldError id={id} message={error} />
    </div>
  );
}
