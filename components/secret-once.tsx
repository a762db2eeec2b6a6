'use client';
import { useState } from 'react';

interface Props {
  /** The element id and test id of the secret's text. */
  id: string;
  secret: string;
  text: { title: string; warning: string; help?: string; copy: string; copied: string; dismiss: string };
  onDismiss: () => void;
}

/** A secret shown this once (an API token, a webhook's signing secret), with a copy button. */
export function SecretOnce({ id, secret, text, onDismiss }: Props) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // No clipboard (e.g. plain http on another host): select it for the reader to copy.
      const range = document.createRange();
      range.selectNodeContents(document.getElementById(id)!);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
    }
  }
  return (
    <section aria-labelledby={`${id}-title`} aria-live="polite" className="rounded-lg border-2 border-amber-400 bg-amber-50 p-5">
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {text.title}
      </h2>
      <p className="mt-2 text-sm font-medium text-amber-900">{text.warning}</p>
      <div className="mt-3 flex items-start gap-2">
        <code id={id} data-testid={id} className="block flex-1 rounded border border-amber-300 bg-white p-2 font-mono text-sm break-all">
          {secret}
        </code>
        <button type="button" onClick={copy} className="rounded bg-amber-600 px-3 py-2 text-sm font-semibold text-white hover:bg-amber-700">
          {copied ? text.copied : text.copy}
        </button>
      </div>
      {text.help && <p className="mt-2 text-xs text-amber-900">{text.help}</p>}
      <button type="button" onClick={onDismiss} className="mt-3 text-sm text-amber-900 underline">
        {text.dismiss}
      </button>
    </section>
  );
}
