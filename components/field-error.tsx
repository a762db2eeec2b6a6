/** A form field's error under it (nothing when it has none), and the class of inputs that show one. */
export function FieldError({ message, id }: { message: string | undefined; id?: string }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="mt-1 text-sm text-rose-700">
      {message}
    </p>
  );
}

export const FIELD_INPUT = 'mt-1 w-full rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-rose-500';
