'use client';
import { FieldError, inputClass } from './parameter-field';

export interface SelectOption {
  value: string;
  label: string;
}

/** A labelled select with its field error; `placeholder` is the empty choice ("as chosen above"). */
export function SelectField({ id, label, value, options, placeholder, disabled, error, onChange }: {
  id: string;
  label: string;
  value: string;
  options: SelectOption[];
  placeholder?: string;
  disabled?: boolean;
  error?: string;
  onChange: (value: string) => void;
}) {
  return (
    <div>
      <label className="block text-sm" htmlFor={id}>
        {label}
      </label>
      <select id={id} className={inputClass} value={value} disabled={disabled} aria-invalid={!!error} onChange={(e) => onChange(e.target.value)}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={id} message={error} />
    </div>
  );
}
