// Browser sessions the portal relays (lib/node-sessions): the agent dials the portal's WebSocket
// for each session offered in a sync, so a node behind NAT is reached the same way. A terminal is
// a login shell under util-linux `script`, which gives it a pseudo-terminal without a native
// module; a log is the application's log from its last lines on, followed as it grows.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { applicationLogPath, readLogTail } from './application-logs';
import type { NodeContainers } from './containers';
import { sessionControlSchema, type SessionControl, type SessionOffer } from './protocol';

const LOG_TAIL_LINES = 500;
const LOG_POLL_MS = 500;
/** A shell that ignores the hang-up is killed this long after. */
const KILL_AFTER_MS = 2000;
/** The shell learns its terminal name and size first, then becomes the user's login shell. */
const SHELL_START = 'tty > "$OCS_TTY_FILE"; echo $$ > "$OCS_SESSION_FILE"; stty rows "$OCS_ROWS" cols "$OCS_COLUMNS"; exec "$OCS_SHELL" -l';
/** Frames stay well under the portal's limit on one message. */
const FRAME_BYTES = 64 * 1024;

export interface SessionsOptions {
  portalUrl: string;
  stateDir: string;
  containers: () => NodeContainers | null;
  /** Whether the application runs as a container now (else its log is the agent's file of it). */
  runsAsContainer: (application: string) => boolean;
  log: (message: string) => void;
}

export class NodeSessions {
  private readonly active = new Set<string>();

  constructor(private readonly o: SessionsOptions) {}

  /** Dials in for every offered session not already under way. */
  offer(offers: SessionOffer[], nodeId: string, credential: string): void {
    for (const offer of offers) {
      if (this.active.has(offer.id)) continue;
      this.active.add(offer.id);
      const url = `${this.o.portalUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/ws/agent/nodes/${nodeId}/sessions/${offer.id}`;
      const ws = new WebSocket(url, { headers: { authorization: `Bearer ${credential}` } });
      ws.on('unexpected-response', (_req, res) => {
        this.o.log(`session ${offer.id}: the portal refused it (HTTP ${res.statusCode})`);
        ws.terminate();
      });
      ws.on('error', (err) => this.o.log(`session ${offer.id}: ${err.message}`));
      ws.on('close', () => this.active.delete(offer.id));
      ws.once('open', () => {
        try {
          // Synchronous up to its message handler: input sent at once is not lost.
          if (offer.kind === 'terminal') this.terminal(ws, offer);
          else this.followLog(ws, offer.application).catch((err: unknown) => fail(ws, (err as Error).message));
        } catch (err) {
          fail(ws, (err as Error).message);
        }
      });
    }
  }

  private terminal(ws: WebSocket, offer: Extract<SessionOffer, { kind: 'terminal' }>): void {
    const dir = path.join(this.o.stateDir, 'sessions');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const ttyFile = path.join(dir, `${offer.id}.tty`);
    // `script` gives the shell a session of its own (setsid): its id is how everything started in it is found.
    const sessionFile = path.join(dir, `${offer.id}.session`);
    const user = os.userInfo();
    // Only what a login needs: the agent's own environment is not the user's business.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: user.homedir,
      USER: user.username,
      LOGNAME: user.username,
      LANG: process.env.LANG ?? 'C.UTF-8',
      TERM: 'xterm-256color',
      SHELL: '/bin/sh',
      OCS_TTY_FILE: ttyFile,
      OCS_SESSION_FILE: sessionFile,
      OCS_ROWS: String(offer.rows),
      OCS_COLUMNS: String(offer.columns),
      OCS_SHELL: user.shell && !user.shell.endsWith('nologin') ? user.shell : '/bin/sh',
    };
    const shell = spawn('script', ['-q', '-f', '-e', '-c', SHELL_START, '/dev/null'], { cwd: user.homedir, // Next's types make NODE_ENV a required member of ProcessEnv; a login shell has none.
      env: env as unknown as NodeJS.ProcessEnv, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.o.log(`session ${offer.id}: terminal opened`);
    shell.on('error', (err) => fail(ws, `cannot start a terminal: ${err.message}`));
    for (const out of [shell.stdout, shell.stderr]) out.on('data', (chunk: Buffer) => ws.readyState === WebSocket.OPEN && ws.send(chunk, { binary: true }));
    shell.stdin.on('error', () => {}); // the shell may be gone while input still arrives
    ws.on('message', (data, isBinary) => {
      if (isBinary) shell.stdin.write(data as Buffer);
      else void this.control(parseControl(data.toString()), ttyFile);
    });
    shell.on('exit', (code) => {
      send(ws, { type: 'exit', code });
      ws.close(1000, 'the shell exited');
    });
    ws.on('close', () => {
      void hangUp(shell, sessionFile).finally(() => rm(ttyFile, { force: true }));
      this.o.log(`session ${offer.id}: terminal closed`);
    });
  }

  private async control(message: SessionControl | null, ttyFile: string): Promise<void> {
    if (message?.type !== 'resize') return;
    const tty = (await readFile(ttyFile, 'utf8').catch(() => '')).trim();
    // The kernel tells the shell's foreground job of the new size (SIGWINCH).
    if (tty.startsWith('/dev/')) spawn('stty', ['-F', tty, 'rows', String(message.rows), 'cols', String(message.columns)], { stdio: 'ignore' }).on('error', () => {});
  }

  private async followLog(ws: WebSocket, application: string): Promise<void> {
    const stop = new AbortController();
    ws.on('close', () => stop.abort());
    const write = (chunk: Buffer) => {
      for (let at = 0; at < chunk.length && ws.readyState === WebSocket.OPEN; at += FRAME_BYTES) ws.send(chunk.subarray(at, at + FRAME_BYTES), { binary: true });
    };
    const containers = this.o.containers();
    if (containers && this.o.runsAsContainer(application)) {
      const found = await containers.followLog(application, LOG_TAIL_LINES, write, stop.signal);
      if (!found) fail(ws, `${application} has no container on this node`);
      else if (!stop.signal.aborted) ws.close(1000, 'the container is gone');
      return;
    }
    await followFile(applicationLogPath(this.o.stateDir, application), write, stop.signal);
  }
}

function parseControl(text: string): SessionControl | null {
  try {
    const parsed = sessionControlSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function send(ws: WebSocket, message: SessionControl): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}

function fail(ws: WebSocket, message: string): void {
  send(ws, { type: 'error', message });
  ws.close(1011, message.slice(0, 120));
}

/**
 * Ends the whole session: `script`, the shell and whatever runs in its session, also what ignores
 * the hang-up (nohup) — killed KILL_AFTER_MS later.
 */
async function hangUp(shell: ChildProcess, sessionFile: string): Promise<void> {
  const sid = Number((await readFile(sessionFile, 'utf8').catch(() => '')).trim());
  const signal = (name: NodeJS.Signals) => {
    if (sid > 1) spawn('pkill', [`-${name.slice(3)}`, '-s', String(sid)], { stdio: 'ignore' }).on('error', () => {});
    try {
      if (shell.pid && shell.exitCode === null) process.kill(-shell.pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGHUP');
  await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS).unref());
  signal('SIGKILL');
  await rm(sessionFile, { force: true });
}

/** The file's last lines, then what is appended, until `signal` aborts (a truncated file is read from its start). */
async function followFile(file: string, write: (chunk: Buffer) => void, signal: AbortSignal): Promise<void> {
  const sizeOf = () => stat(file).then((s) => s.size, () => 0);
  // Measured before the tail is read: a line written in between is sent twice rather than never.
  let offset = await sizeOf();
  const tail = await readLogTail(file, LOG_TAIL_LINES);
  if (tail) write(Buffer.from(tail));
  while (!signal.aborted) {
    const size = await sizeOf();
    if (size < offset) offset = 0;
    if (size > offset) {
      const handle = await open(file, 'r');
      try {
        // A burst is read a mebibyte at a time, the rest on the next rounds.
        const buffer = Buffer.alloc(Math.min(size - offset, 1024 * 1024));
        await handle.read(buffer, 0, buffer.length, offset);
        write(buffer);
        offset += buffer.length;
      } finally {
        await handle.close();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, LOG_POLL_MS));
  }
}
