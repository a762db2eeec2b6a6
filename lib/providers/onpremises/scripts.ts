// The shell scripts the portal runs on a lab server over SSH (POSIX sh, coreutils and the
// server's own Node.js 20+; nothing else is assumed). Every path is under the host's agent folder:
//   <agentDir>/bin/ocs-agent-<version>.mjs   the agent, downloaded from the portal and checked
//   <agentDir>/nodes/<node name>/            one node: node.json, its token or credential, logs
// Where systemd runs and the user is root, each node's agent is a unit (ocs-agent-<node>.service,
// restarted by systemd); elsewhere it runs detached (setsid nohup).

/** A literal for sh: single-quoted, with every single quote closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export interface NodeOnHost {
  agentDir: string;
  name: string;
}

/** A node's folder on its server, as the server's shell names it ("~/" stands for the SSH user's home). */
export function nodeFolder(n: NodeOnHost): string {
  return `${n.agentDir.replace(/\/+$/, '')}/nodes/${n.name}`;
}

/** Exit codes the provider explains. */
export const EXIT = { noNode: 20, oldNode: 21, download: 22, checksum: 23, noPortal: 24 } as const;

function prelude(n: NodeOnHost): string {
  // "~/x" is the SSH user's home: expanded by the server's shell, not here.
  const base = n.agentDir.startsWith('~/') ? `"$HOME"/${shellQuote(n.agentDir.slice(2))}` : shellQuote(n.agentDir);
  return [
    'set -eu',
    `BASE=${base}`,
    `NAME=${shellQuote(n.name)}`,
    'D="$BASE/nodes/$NAME"',
    'UNIT="/etc/systemd/system/ocs-agent-$NAME.service"',
    // The agent serving this folder runs: its pid file names a live process whose command line has "--state-dir $D".
    `agent_runs() { [ -f "$D/agent.pid" ] && P=$(cat "$D/agent.pid") && [ -r "/proc/$P/cmdline" ] && tr '\\0' ' ' < "/proc/$P/cmdline" | grep -qF -- "--state-dir $D "; }`,
    'with_systemd() { [ "$(id -u)" = 0 ] && [ -d /run/systemd/system ]; }',
  ].join('\n');
}

const START = `
AGENT=$(cat "$D/agent-file")
if ! agent_runs; then
  if with_systemd; then
    printf '[Unit]\\nDescription=OCS node agent %s\\nAfter=network-online.target\\n[Service]\\nExecStart=%s %s --state-dir %s\\nWorkingDirectory=%s\\nKillMode=process\\nRestart=always\\nRestartSec=2\\n[Install]\\nWantedBy=multi-user.target\\n' "$NAME" "$(command -v node)" "$AGENT" "$D" "$D" > "$UNIT"
    systemctl daemon-reload
    systemctl enable --now "ocs-agent-$NAME.service" >/dev/null 2>&1
  else
    # Redirected as a whole: no shell of this session keeps the SSH channel open (sh may be bash, which does not exec the last command).
    (cd "$D" && exec setsid nohup node "$AGENT" --state-dir "$D") >> "$D/agent.log" 2>&1 < /dev/null &
  fi
fi
echo started`;

// Fetches the agent from the portal and keeps it only when its SHA-256 is the one the portal announced.
const DOWNLOAD = `(async () => {
  const [url, sha, out] = process.argv.slice(1);
  const res = await fetch(url).catch((e) => { console.error('cannot download the agent from ' + url + ': ' + e.message); process.exit(${EXIT.download}); });
  if (!res.ok) { console.error('downloading the agent from ' + url + ' answered ' + res.status); process.exit(${EXIT.download}); }
  const body = Buffer.from(await res.arrayBuffer());
  const got = require('node:crypto').createHash('sha256').update(body).digest('hex');
  if (got !== sha) { console.error('the agent downloaded from ' + url + ' has SHA-256 ' + got + ', not ' + sha); process.exit(${EXIT.checksum}); }
  require('node:fs').writeFileSync(out, body, { mode: 0o600 });
})()`;

export interface InstallInput extends NodeOnHost {
  agentUrl: string;
  agentVersion: string;
  agentSha256: string;
  /** node.json for the agent (agent/node-config.ts); with `discoverIp`, its ip is found on the machine. */
  nodeConfig: Record<string, unknown>;
  bootstrapToken: string;
  /** The machine's address is not known beforehand (a cloud assigns it): the one it reaches the portal from. */
  discoverIp?: boolean;
}

const IP_PLACEHOLDER = '__OCS_NODE_IP__';

// The local address of a connection to the portal: the address the node's applications answer on.
const DISCOVER_IP = `const u = new URL(process.argv[1]);
const s = require('node:net').connect({ host: u.hostname, port: Number(u.port) || (u.protocol === 'https:' ? 443 : 80) }, () => { process.stdout.write(s.localAddress.replace(/^::ffff:/, '')); s.destroy(); });
s.on('error', (e) => { console.error('cannot reach the portal at ' + process.argv[1] + ': ' + e.message); process.exit(${EXIT.noPortal}); });`;

/**
 * Installs (or finds installed) the node and starts its agent. A node folder made by this run is
 * removed again when anything fails, so a failed install leaves nothing behind.
 */
export function installScript(i: InstallInput): string {
  const b64 = (text: string) => shellQuote(Buffer.from(text).toString('base64'));
  return `${prelude(i)}
command -v node >/dev/null 2>&1 || { echo "Node.js is not installed on this server: the node agent needs node 20 or later on the PATH of $(id -un)" >&2; exit ${EXIT.noNode}; }
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || { echo "Node.js $(node --version) on this server is too old: the node agent needs 20 or later" >&2; exit ${EXIT.oldNode}; }
NEW=0; [ -d "$D" ] || NEW=1
trap 'code=$?; if [ $code -ne 0 ] && [ $NEW = 1 ]; then rm -rf "$D"; rmdir "$BASE/nodes" "$BASE/bin" "$BASE" 2>/dev/null || true; fi' EXIT
umask 077
mkdir -p "$D" "$BASE/bin"
AGENT="$BASE/bin/ocs-agent-${i.agentVersion}.mjs"
if [ ! -f "$AGENT" ] || [ "$(sha256sum "$AGENT" | cut -d' ' -f1)" != ${shellQuote(i.agentSha256)} ]; then
  node -e ${shellQuote(DOWNLOAD)} ${shellQuote(i.agentUrl)} ${shellQuote(i.agentSha256)} "$AGENT.part.$$"
  mv "$AGENT.part.$$" "$AGENT"
fi
${
  i.discoverIp
    ? `IP=$(node -e ${shellQuote(DISCOVER_IP)} ${shellQuote(String(i.nodeConfig.portalUrl))})
printf '%s' ${b64(JSON.stringify({ ...i.nodeConfig, ip: IP_PLACEHOLDER }))} | base64 -d | sed "s/${IP_PLACEHOLDER}/$IP/" > "$D/node.json"`
    : `printf '%s' ${b64(JSON.stringify(i.nodeConfig))} | base64 -d > "$D/node.json"`
}
printf '%s' "$AGENT" > "$D/agent-file"
[ -f "$D/credential.json" ] || printf '%s' ${b64(i.bootstrapToken)} | base64 -d > "$D/bootstrap-token"
rm -f "$D/powered-off"
${START}`;
}

/** Power on: the agent again, with the credential it has. */
export function startScript(n: NodeOnHost): string {
  return `${prelude(n)}
[ -d "$D" ] || { echo "node $NAME is not on this server" >&2; exit 3; }
rm -f "$D/powered-off"
${START}`;
}

/** Power off: the agent's unit or process, then the node's applications; the folder stays. */
export function stopScript(n: NodeOnHost): string {
  return `${prelude(n)}
[ -d "$D" ] || { echo "node $NAME is not on this server" >&2; exit 3; }
if with_systemd && [ -f "$UNIT" ]; then systemctl stop "ocs-agent-$NAME.service"; fi
node "$(cat "$D/agent-file")" stop --state-dir "$D"
touch "$D/powered-off"`;
}

/** Delete: the unit, the agent, the applications, their containers and volumes, the folder; the agent file with the last node. */
export function removeScript(n: NodeOnHost): string {
  return `${prelude(n)}
if [ -d "$D" ]; then
  if with_systemd && [ -f "$UNIT" ]; then systemctl disable --now "ocs-agent-$NAME.service" >/dev/null 2>&1 || true; rm -f "$UNIT"; systemctl daemon-reload; fi
  if [ -f "$D/agent-file" ] && [ -f "$(cat "$D/agent-file")" ]; then node "$(cat "$D/agent-file")" remove --state-dir "$D"; fi
  rm -rf "$D"
fi
if [ -d "$BASE/nodes" ] && [ -z "$(ls -A "$BASE/nodes")" ]; then rm -rf "$BASE/nodes" "$BASE/bin"; rmdir "$BASE" 2>/dev/null || true; fi
echo removed`;
}

/** One line per node on the server: "<name>\\t<running|stopped|error>\\t<node.json>" (an error's last log line after the JSON). */
export function listScript(agentDir: string, name = '*'): string {
  return `${prelude({ agentDir, name: 'unused' })}
[ -d "$BASE/nodes" ] || exit 0
for D in "$BASE"/nodes/${name === '*' ? '*' : shellQuote(name)}; do
  [ -f "$D/node.json" ] || continue
  D="\${D%/}"
  if [ -f "$D/powered-off" ]; then S=stopped; elif agent_runs; then S=running; else S=error; fi
  printf '%s\\t%s\\t%s\\t%s\\n' "$(basename "$D")" "$S" "$(tr -d '\\n' < "$D/node.json")" "$( [ $S = error ] && tail -n 1 "$D/agent.log" 2>/dev/null | tr -d '\\t' || true)"
done`;
}
