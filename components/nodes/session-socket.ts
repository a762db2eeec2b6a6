// Opening a node session (lib/node-sessions): ask the API for a ticket, then open the portal's
// WebSocket with it. Text frames are control messages; everything else is the session's bytes.
import { api } from '@/components/api';
import type { SessionControl } from '@/agent/protocol';
import type { OpenedSession } from '@/lib/node-sessions/open-session';
import type { Json } from '@/components/json-types';

export interface SessionHandlers {
  onData: (bytes: Uint8Array) => void;
  onControl?: (message: SessionControl) => void;
  onClose: (reason: string) => void;
}

export async function openSessionSocket(nodeId: string, body: Record<string, unknown>, handlers: SessionHandlers): Promise<WebSocket> {
  const opened = await api.post<Json<OpenedSession>>(`/api/v1/nodes/${nodeId}/sessions`, body);
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${opened.webSocketPath}`);
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
    if (typeof event.data === 'string') {
      try {
        handlers.onControl?.(JSON.parse(event.data) as SessionControl);
      } catch {
        // not ours
      }
    } else handlers.onData(new Uint8Array(event.data));
  };
  ws.onclose = (event) => handlers.onClose(event.reason || `code ${event.code}`);
  return ws;
}
