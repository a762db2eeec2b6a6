// Starts Debian's JupyterHub (package `jupyterhub`) for the tljh template on a local node.
// Writes jupyterhub_config.py into the working directory (the node's folder) and runs
// `jupyterhub -f` in the foreground, so the node agent supervises it. Settings come from the
// environment the template sets: STUDENTS and ADMIN_USERS (comma-separated), CLASS_PASSWORD.
//
//   node start-jupyterhub.mjs --ip 127.77.0.3 --port 8000 [--print-config]
//
// Stopping: SIGTERM (or SIGINT) lets JupyterHub stop its proxy and the users' servers, then
// anything of this hub still alive (found by the OCS_TLJH_DIR variable every process of it
// inherits) is killed, so no proxy, user server or kernel outlives the application.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const USER_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
// Where Debian installs configurable-http-proxy's Node modules; this machine's Node does not look there.
const DEBIAN_NODE_MODULES = '/usr/share/nodejs';
// The node agent kills what is left 3 s after its SIGTERM; finish well before.
const HUB_STOP_MS = 1500;
const SWEEP_TERM_MS = 700;
const POLL_MS = 50;

function fail(message) {
  console.error(`start-jupyterhub: ${message}`);
  process.exit(2);
}

function names(variable) {
  const list = (process.env[variable] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((n) => !USER_NAME.test(n));
  if (bad) fail(`${variable}: "${bad}" is not a valid user name`);
  return list;
}

// JSON strings are valid Python string literals.
const py = (value) => JSON.stringify(value);
const pySet = (list) => (list.length ? `{${list.map(py).join(', ')}}` : 'set()');

const { values: args } = parseArgs({
  options: { ip: { type: 'string' }, port: { type: 'string', default: '8000' }, 'print-config': { type: 'boolean', default: false } },
});
const ip = args.ip ?? process.env.NODE_IP;
if (!ip) fail('--ip (the node address) is required');
const port = Number(args.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`--port ${args.port} is not a port number`);
const password = process.env.CLASS_PASSWORD ?? '';
if (password.length < 8) fail('CLASS_PASSWORD must be at least 8 characters long');
const students = names('STUDENTS');
if (!students.length) fail('STUDENTS names no user');
const admins = names('ADMIN_USERS');
const dataDir = path.resolve('.');
// Inherited by the hub, its proxy, the users' servers and their kernels: how they are found again.
const MARKER_VARIABLE = 'OCS_TLJH_DIR';
const MARKER = `${MARKER_VARIABLE}=${dataDir}`;

// Everything binds to the node's own address (not 127.0.0.1), so several nodes on one machine
// never share a port: the proxy (port), its API (8001), the hub API (8081), the user servers.
// Everything written (database, cookie secret, homes) stays in the node's folder.
const config = `# Written by templates/tljh/start-jupyterhub.mjs; regenerated at every start.
c = get_config()  # noqa: F821

c.JupyterHub.ip = ${py(ip)}
c.JupyterHub.port = ${port}
c.JupyterHub.hub_ip = ${py(ip)}
c.JupyterHub.hub_port = 8081
c.ConfigurableHTTPProxy.api_url = ${py(`http://${ip}:8001`)}
c.ConfigurableHTTPProxy.pid_file = ${py(path.join(dataDir, 'jupyterhub-proxy.pid'))}
c.JupyterHub.db_url = ${py(`sqlite:///${path.join(dataDir, 'jupyterhub.sqlite')}`)}
c.JupyterHub.cookie_secret_file = ${py(path.join(dataDir, 'jupyterhub_cookie_secret'))}

# One shared class password; only the listed accounts may sign in.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = ${py(password)}
c.Authenticator.allowed_users = ${pySet([...new Set([...students, ...admins])])}
c.Authenticator.admin_users = ${pySet(admins)}

# Every user's server is a process on this node, with a home folder inside the node's folder.
c.JupyterHub.spawner_class = "simple"
c.Spawner.ip = ${py(ip)}
c.Spawner.default_url = "/tree"
# The node agent may run as root, and Jupyter refuses root without this.
c.Spawner.args = ["--allow-root"]
c.SimpleLocalProcessSpawner.home_dir_template = ${py(path.join(dataDir, 'home', '{username}'))}
c.Spawner.environment = {${py(MARKER_VARIABLE)}: ${py(dataDir)}}

# JupyterHub starts the users' servers and the proxy each in a session of its own. Keep them in
# the node's process group instead, so stopping the node (a signal to that group) stops them too.
c.Spawner.popen_kwargs = {"start_new_session": False}
import jupyterhub.proxy  # noqa: E402

_popen = jupyterhub.proxy.Popen
jupyterhub.proxy.Popen = lambda *args, **kwargs: _popen(*args, **{**kwargs, "start_new_session": False})
`;

if (args['print-config']) {
  process.stdout.write(config);
  process.exit(0);
}

/** Live processes of this hub other than the launcher, by the marker in their environment. */
function hubProcesses() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      // A zombie's environment reads as empty: it is already dead.
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(MARKER)) pids.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

function signal(pids, name) {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** SIGTERM to whatever of this hub is left, SIGKILL after a short grace; resolves once none is left. */
async function stopLeftovers() {
  let left = hubProcesses();
  if (!left.length) return;
  console.error(`start-jupyterhub: stopping leftover processes ${left.join(', ')}`);
  signal(left, 'SIGTERM');
  for (const deadline = Date.now() + SWEEP_TERM_MS; left.length && Date.now() < deadline; left = hubProcesses()) await sleep(POLL_MS);
  for (let tries = 0; left.length && tries < 20; tries++, left = hubProcesses()) {
    signal(left, 'SIGKILL');
    await sleep(POLL_MS);
  }
}

// A previous run that died abruptly may have left its proxy or user servers holding the ports.
await stopLeftovers();
const configFile = path.join(dataDir, 'jupyterhub_config.py');
writeFileSync(configFile, config, { mode: 0o600 });
const nodePath = (process.env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean);
const env = {
  ...process.env,
  NODE_PATH: [...new Set([...nodePath, DEBIAN_NODE_MODULES])].join(path.delimiter),
  [MARKER_VARIABLE]: dataDir,
};
const hub = spawn('jupyterhub', ['-f', configFile], { stdio: 'inherit', env });
let hubExited = false;
const hubExit = new Promise((resolve) =>
  hub.on('exit', (code, sig) => {
    hubExited = true;
    resolve(code ?? (sig ? 1 : 0));
  }),
);
hub.on('error', (e) => {
  if (hub.pid !== undefined) return;
  console.error(`start-jupyterhub: cannot run jupyterhub (${e.message}); on Debian: apt-get install jupyterhub`);
  process.exit(127);
});

let stopping = false;
for (const name of ['SIGTERM', 'SIGINT'])
  process.on(name, async () => {
    if (stopping) return;
    stopping = true;
    if (!hubExited) hub.kill(name);
    await Promise.race([hubExit, sleep(HUB_STOP_MS)]);
    await stopLeftovers();
    process.exit(0);
  });
// The hub exited on its own (or crashed): nothing of it may keep running without it.
const code = await hubExit;
if (!stopping) {
  await stopLeftovers();
  process.exit(code);
}
