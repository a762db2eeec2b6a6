// The node agent as a product of its own: agent/ bundled by esbuild into one file that plain
// `node` (20+) runs on a host with nothing of this repository. Its version is the package version
// and a hash of what went into it, so a changed agent is a new file and a new version.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { findRepoRoot } from './repo-root';

export interface AgentBundle {
  /** e.g. 0.1.0+3f2a9c1e04b7 */
  version: string;
  file: string;
  /** Hex SHA-256 of the file, for an installer to check what it downloaded. */
  sha256: string;
}

const cache = globalThis as unknown as { __ocsAgentBundle?: Promise<AgentBundle> };

/** The agent's version: what changes the bundle (its sources, the bundler, the packages it bundles) changes the hash. */
function agentVersion(root: string): string {
  const require = createRequire(path.join(root, 'package.json'));
  const hash = createHash('sha256');
  const sources = (readdirSync(path.join(root, 'agent'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  for (const file of sources) hash.update(file).update(readFileSync(path.join(root, 'agent', file)));
  for (const pkg of ['esbuild', 'zod', 'dockerode', 'ws']) hash.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}`);
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return `${version}+${hash.digest('hex').slice(0, 12)}`;
}

/**
 * docker-modem can reach engines over SSH (ssh2, with a native addon) and build images over gRPC;
 * the agent only speaks to the local engine's socket, so those stay out of the bundle.
 */
const withoutUnusedTransports: Plugin = {
  name: 'ocs-agent-without-unused-transports',
  setup(build) {
    build.onResolve({ filter: /^(ssh2|@grpc\/grpc-js|@grpc\/proto-loader|protobufjs)(\/.*)?$/ }, (args) => ({ path: args.path, namespace: 'ocs-unused' }));
    build.onLoad({ filter: /.*/, namespace: 'ocs-unused' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

async function build(): Promise<AgentBundle> {
  const root = findRepoRoot();
  const version = agentVersion(root);
  const dir = process.env.OCS_AGENT_BUNDLE_DIR ?? path.join(root, 'node_modules', '.cache', 'ocs-agent');
  const file = path.join(dir, `ocs-agent-${version}.mjs`);
  if (!existsSync(file)) {
    await mkdir(dir, { recursive: true });
    // Built aside and renamed into place: processes building at once never see half a file.
    const partial = `${file}.${process.pid}.partial`;
    const { build: esbuild } = await import('esbuild');
    await esbuild({
      entryPoints: [path.join(root, 'agent', 'main.ts')],
      outfile: partial,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      define: { 'process.env.OCS_AGENT_VERSION': JSON.stringify(version) },
      // dockerode is CommonJS that requires Node's built-ins: an ES module bundle needs a require.
      banner: { js: `// OCS node agent ${version}: node ocs-agent.mjs --state-dir <dir>\nimport { createRequire as __ocsCreateRequire } from 'node:module'; const require = __ocsCreateRequire(import.meta.url);` },
      plugins: [withoutUnusedTransports],
      logLevel: 'error',
    });
    await rename(partial, file).catch(async (e: unknown) => {
      await rm(partial, { force: true });
      if (!existsSync(file)) throw e;
    });
  }
  return { version, file, sha256: createHash('sha256').update(await readFile(file)).digest('hex') };
}

/** The bundled agent of this portal, built on first use (once per process, and once per version on disk). */
export function agentBundle(): Promise<AgentBundle> {
  cache.__ocsAgentBundle ??= build().catch((e: unknown) => {
    cache.__ocsAgentBundle = undefined;
    throw e;
  });
  return cache.__ocsAgentBundle;
}
