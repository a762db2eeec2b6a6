'use client';
// A shell on the node in the browser: xterm.js over the portal's WebSocket, relayed by the node's agent.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { useSay } from '@/components/catalog/say';
import { useT } from '@/components/i18n';
import { openSessionSocket } from './session-socket';

export function WebTerminal({ nodeId }: { nodeId: string }) {
  const t = useT();
  const say = useSay();
  const [open, setOpen] = useState(false);
  // Kept as facts, worded when shown: the effect must not depend on the wording functions.
  const [status, setStatus] = useState<{ connecting: true } | { ended: string } | { error: string } | null>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open || !box.current) return;
    const term = new Terminal({ cursorBlink: true, fontSize: 13, convertEol: false });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(box.current);
    fit.fit();
    // xterm.js draws only while the terminal is in view: it opens where it can be seen.
    box.current.scrollIntoView({ block: 'nearest' });
    const encoder = new TextEncoder();
    let ws: WebSocket | undefined;
    let closed = false;
    openSessionSocket(nodeId, { kind: 'terminal', columns: term.cols, rows: term.rows }, {
      onData: (bytes) => {
        setStatus(null);
        term.write(bytes);
      },
      onControl: (message) => {
        if (message.type === 'error') term.write(`\r\n${message.message}\r\n`);
      },
      onClose: (reason) => {
        if (!closed) setStatus({ ended: reason });
      },
    })
      .then((socket) => {
        ws = socket;
        if (closed) socket.close();
        term.onData((data) => socket.readyState === WebSocket.OPEN && socket.send(encoder.encode(data)));
        term.onResize(({ cols, rows }) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ type: 'resize', columns: cols, rows })));
        term.focus();
      })
      .catch((e: Error) => setStatus({ error: e.message }));
    const refit = () => fit.fit();
    window.addEventListener('resize', refit);
    return () => {
      closed = true;
      window.removeEventListener('resize', refit);
      ws?.close(1000, 'closed in the browser');
      term.dispose();
    };
  }, [open, nodeId]);

  return (
    <div className="space-y-2" data-testid="web-terminal">
      <div className="flex items-center gap-3">
        <button
          type="button"
          onClick={() => {
            setStatus(open ? null : { connecting: true });
            setOpen(!open);
          }} className="rounded bg-slate-800 px-3 py-1.5 text-sm text-white hover:bg-slate-700">
          {open ? t('terminal.close') : t('terminal.open')}
        </button>
        {status && (
          <span role="status" className="text-sm text-slate-600">
            {'connecting' in status ? t('terminal.connecting') : 'ended' in status ? say('terminal.ended', { reason: status.ended }) : status.error}
          </span>
        )}
        <span className="ml-auto text-xs text-slate-500">{t('terminal.audit')}</span>
      </div>
      {open && <div ref={box} className="h-80 overflow-hidden rounded bg-black p-1" data-testid="terminal-screen" />}
    </div>
  );
}
