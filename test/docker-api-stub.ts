// A stand-in for a Docker-compatible engine at the wire: an HTTP server on a unix socket answering
// the Docker Engine API paths the agent uses (agent/containers.ts) — ping and version (detection),
// listing and inspecting containers by label, an image that is there, creating and starting a
// container, and `docker exec` (create, start with the output streamed on the hijacked
// connection, inspect for the exit code). Any step can be made to hang, as a stuck engine does.
// The real engine's answers are agent/work-queue-container.int.test.ts's and
// agent/containers.int.test.ts's.
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import os from 'node:os';
import path from 'node:path';

/** Each step of `docker exec` as the engine sees it: find the container, create the exec, start it (its output follows), ask its exit code. */
export const EXEC_STEPS = ['list', 'create', 'start', 'output', 'inspect'] as const;
export type ExecStep = (typeof EXEC_STEPS)[number];

export interface StubContainer {
  id: string;
  labels: Record<string, string>;
  /** Docker's State.Status: running, exited, created… */
  state: string;
}

/** What a command run with `docker exec` printed on stdout, and its exit code. */
export type ExecAnswer = (argv: string[]) => { stdout: string; exitCode?: number };

export interface DockerApiStub {
  socketPath: string;
  /** The engine's containers: those given, and those the agent created. */
  containers: StubContainer[];
  /** The step that is never answered (undefined: all are); may be changed at any time. */
  hangAt: ExecStep | undefined;
  /** Steps the engine was asked for, and those whose connection the agent closed unanswered. */
  asked: ExecStep[];
  dropped: ExecStep[];
  close(): Promise<void>;
}

/** Docker's multiplexed stream: a frame of stdout. */
function stdoutFrame(text: string): Buffer {
  const data = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = 1;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

/** Whether the container carries every `key=value` label of the listing's filter. */
function matches(container: StubContainer, filters: string | null): boolean {
  const labels = filters ? ((JSON.parse(filters) as { label?: string[] }).label ?? []) : [];
  return labels.every((label) => {
    const [key, value] = label.split('=', 2) as [string, string | undefined];
    return value === undefined ? key in container.labels : container.labels[key] === value;
  });
}

export async function startDockerApiStub(opts: { containers?: StubContainer[]; hangAt?: ExecStep; answer?: ExecAnswer } = {}): Promise<DockerApiStub> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ocs-engine-'));
  const answer: ExecAnswer = opts.answer ?? (() => ({ stdout: '7|2026-12-01T10:48:30|2|Resources\n' }));
  const execs = new Map<string, { argv: string[]; exitCode: number }>();
  const sockets = new Set<Duplex>();
  const stub: DockerApiStub = {
    socketPath: path.join(dir, 'engine.sock'),
    containers: [...(opts.containers ?? [])],
    hangAt: opts.hangAt,
    asked: [],
    dropped: [],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
  /** True when the step is answered; a hanging one only notes when the agent drops it. */
  const answers = (step: ExecStep, socket: Duplex) => {
    stub.asked.push(step);
    if (stub.hangAt !== step) return true;
    // A connection taken over by an upgrade stays half open: the agent's end is its drop.
    let gone = false;
    for (const event of ['end', 'close'])
      socket.on(event, () => {
        if (!gone) stub.dropped.push(step);
        gone = true;
      });
    return false;
  };
  const container = (id: string | undefined) => stub.containers.find((c) => c.id === id);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      const url = new URL(req.url!, 'http://engine');
      const route = `${req.method} ${url.pathname}`;
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      let m: RegExpExecArray | null;
      if (route === 'GET /_ping') res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      else if (route === 'GET /version') json(200, { Version: '28.0.0-stub', ApiVersion: '1.47' });
      else if (route === 'GET /containers/json') {
        if (!answers('list', req.socket)) return;
        const all = url.searchParams.get('all') === 'true' || url.searchParams.get('all') === '1';
        const listed = stub.containers.filter((c) => (all || c.state === 'running') && matches(c, url.searchParams.get('filters')));
        json(
          200,
          listed.map((c) => ({ Id: c.id, Labels: c.labels, State: c.state })),
        );
      } else if (/^GET \/images\/.+\/json$/.test(route)) json(200, { Id: 'sha256:stub' });
      else if (route === 'POST /containers/create') {
        const created: StubContainer = { id: `c${stub.containers.length + 1}`, labels: (body.Labels as Record<string, string> | undefined) ?? {}, state: 'created' };
        stub.containers.push(created);
        json(201, { Id: created.id, Warnings: [] });
      } else if ((m = /^GET \/containers\/([^/]+)\/json$/.exec(route))) {
        const c = container(m[1]);
        if (!c) return json(404, { message: `no such container: ${m[1]}` });
        json(200, { Id: c.id, RestartCount: 0, State: { Status: c.state, ExitCode: 0, StartedAt: c.state === 'created' ? '0001-01-01T00:00:00Z' : '2026-12-01T10:00:00Z' } });
      } else if ((m = /^POST \/containers\/([^/]+)\/start$/.exec(route))) {
        const c = container(m[1]);
        if (!c) return json(404, { message: `no such container: ${m[1]}` });
        c.state = 'running';
        res.writeHead(204).end();
      } else if (/^GET \/containers\/[^/]+\/logs$/.test(route)) res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' }).end();
      else if ((m = /^POST \/containers\/([^/]+)\/exec$/.exec(route))) {
        if (!answers('create', req.socket)) return;
        if (!container(m[1])) return json(404, { message: `no such container: ${m[1]}` });
        const id = `e${execs.size + 1}`;
        execs.set(id, { argv: (body.Cmd as string[] | undefined) ?? [], exitCode: 0 });
        json(201, { Id: id });
      } else if ((m = /^GET \/exec\/([^/]+)\/json$/.exec(route))) {
        if (!answers('inspect', req.socket)) return;
        const exec = execs.get(m[1]!);
        if (!exec) return json(404, { message: `no such exec: ${m[1]}` });
        json(200, { ExitCode: exec.exitCode, Running: false });
      } else json(404, { message: `no ${route} here` });
    });
  });
  // `docker exec`'s start takes the connection over (HTTP upgrade) and streams the command's output on it.
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    const exec = execs.get(/^\/exec\/([^/]+)\/start$/.exec(new URL(req.url!, 'http://engine').pathname)?.[1] ?? '');
    if (!exec) return socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    if (!answers('start', socket)) return;
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    if (!answers('output', socket)) return;
    const { stdout, exitCode } = answer(exec.argv);
    exec.exitCode = exitCode ?? 0;
    socket.end(stdoutFrame(stdout));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(stub.socketPath, resolve));
  return stub;
}
