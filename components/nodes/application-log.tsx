'use client';
// An application's log on the node, from its last lines on and followed as it grows.
import { useEffect, useRef, useState } from 'react';
import { useSay } from '@/components/catalog/say';
import { useT } from '@/components/i18n';
import { openSessionSocket } from './session-socket';

/** Lines kept in the page; older ones scroll away. */
const KEPT_LINES = 5000;

export function ApplicationLog({ nodeId, applications }: { nodeId: string; applications: string[] }) {
  const t = useT();
  const say = useSay();
  const [application, setApplication] = useState(applications[0] ?? '');
  const [showing, setShowing] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [follow, setFollow] = useState(true);
  // Kept as facts, worded when shown: the effect must not depend on the wording functions.
  const [status, setStatus] = useState<{ ended: string } | { error: string } | null>(null);
  const pre = useRef<HTMLPreElement>(null);

  useEffect(() => {
    if (!showing) return;
    const decoder = new TextDecoder();
    let ws: WebSocket | undefined;
    let closed = false;
    openSessionSocket(nodeId, { kind: 'logs', application: showing }, {
      onData: (bytes) =>
        setText((before) => {
          const lines = (before + decoder.decode(bytes, { stream: true })).split('\n');
          return lines.slice(-KEPT_LINES).join('\n');
        }),
      onControl: (message) => message.type === 'error' && setStatus({ error: message.message }),
      onClose: (reason) => !closed && setStatus({ ended: reason }),
    })
      .then((socket) => {
        ws = socket;
        if (closed) socket.close();
      })
      .catch((e: Error) => setStatus({ error: e.message }));
    return () => {
      closed = true;
      ws?.close(1000, 'closed in the browser');
    };
  }, [showing, nodeId]);

  useEffect(() => {
    if (follow && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text, follow]);

  const toggle = () => {
    setText('');
    setStatus(null);
    setShowing(showing === application ? null : application);
  };

  if (!applications.length) return <p className="text-sm text-slate-500">{t('logs.none')}</p>;
  return (
    <div className="space-y-2" data-testid="application-log">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <label className="flex items-center gap-2">
          {t('logs.application')}
          <select value={application} onChange={(e) => setApplication(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
            {applications.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => toggle()} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100">
          {showing === application ? t('logs.stop') : t('logs.show')}
        </button>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          {t('logs.follow')}
        </label>
        {status && (
          <span role="status" className="text-slate-600">
            {'ended' in status ? say('terminal.ended', { reason: status.ended }) : status.error}
          </span>
        )}
      </div>
      {showing && (
        <pre ref={pre} className="h-72 overflow-auto rounded bg-slate-900 p-2 font-mono text-xs text-slate-100" data-testid="log-text">
          {text || t('logs.empty')}
        </pre>
      )}
    </div>
  );
}
