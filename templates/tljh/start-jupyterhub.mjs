// Starts Debian's JupyterHub (package `jupyterhub`) for the tljh template on a local node.
// Writes jupyterhub_config.py into the working directory (the node's folder) and runs
// `jupyterhub -f` in the foreground, so the node agent supervises it. Settings come from the
// environment the template sets: STUDENTS and ADMIN_USERS (comma-separated), CLASS_PASSWORD.
//
//   node start-jupyterhub.mjs --ip 127.77.0.3 --port 8000 [--print-config]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const USER_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
// Where Debian installs configurable-http-proxy's Node modules; this machine's Node does not look there.
const DEBIAN_NODE_MODULES = '/usr/share/nodejs';

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

// Everything binds to the node's own address (not 127.0.0.1), so several nodes on one machine
// never share a port: the proxy (port), its API (8001), the hub API (8081), the user servers.
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
`;

if (args['print-config']) {
  process.stdout.write(config);
  process.exit(0);
}

const configFile = path.join(dataDir, 'jupyterhub_config.py');
writeFileSync(configFile, config, { mode: 0o600 });
const nodePath = (process.env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean);
const env = { ...process.env, NODE_PATH: [...new Set([...nodePath, DEBIAN_NODE_MODULES])].join(path.delimiter) };
const hub = spawn('jupyterhub', ['-f', configFile], { stdio: 'inherit', env });
hub.on('error', (e) => {
  console.error(`start-jupyterhub: cannot run jupyterhub (${e.message}); on Debian: apt-get install jupyterhub`);
  process.exit(127);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => hub.kill(signal));
hub.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
