// The web-hello template's image, ocs/hello-web:1.0, made on this machine (tests reach no
// registry): one layer holding this machine's Node.js and the libraries `ldd` lists for it, the
// template's own app.mjs and hello-web/entry.mjs (listens on 0.0.0.0:$PORT, default 8080; exits
// at once with $EXIT_CODE, default 3, when CRASH=1).
//
// Built once per inputs into node_modules/.cache/ocs-test-images/hello-web-<hash>/:
//   rootfs.tar  the layer, which importTestImage loads into any Docker-API engine (~2 s: 100 MB of Node.js)
//   storage/    a read-only containers-storage already holding the image: a namespace host's engine
//               (host.startContainerEngine(), test/hosts) has it at once, copying nothing
//
//   const { store } = await helloWebImage();  // an engine started with it as an image store has the image
//   await importTestImage({ socketPath });    // a no-op there, else the import (host.startContainerEngine() does both)
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { findRepoRoot } from '@/lib/repo-root';
import { runPodman } from '../hosts/podman';

export const HELLO_WEB_IMAGE = 'ocs/hello-web:1.0';
const [REPOSITORY, TAG] = HELLO_WEB_IMAGE.split(':') as [string, string];
/** The image's configuration, as `podman import --change` / the Docker API's `changes` take it. */
const CHANGES = ['WORKDIR /app', 'ENV PORT=8080', 'EXPOSE 8080', 'CMD ["/usr/bin/node", "/app/entry.mjs"]'];
/** Bump when the way the image is made changes. */
const RECIPE = 1;

export interface TestImage {
  /** The image's one layer. */
  tarball: string;
  /** A containers-storage folder holding the image, for startPodmanService's imageStores. */
  store: string;
}

interface ImageFile {
  /** Where it goes in the image. */
  target: string;
  source: string;
}

const execFileAsync = promisify(execFile);

async function imageFiles(root: string): Promise<ImageFile[]> {
  const node = await realpath(process.execPath);
  // `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` and `/lib64/ld-linux-x86-64.so.2 (0x…)`; the vdso has no file.
  const { stdout } = await execFileAsync('ldd', [node]);
  const libraries = [...stdout.matchAll(/(\/\S+) \(0x[0-9a-f]+\)/g)].map((m) => m[1]!);
  return [
    { target: 'usr/bin/node', source: node },
    ...libraries.map((library) => ({ target: library.slice(1), source: library })),
    { target: 'app/app.mjs', source: path.join(root, 'templates', 'web-hello', 'app.mjs') },
    { target: 'app/entry.mjs', source: path.join(root, 'test', 'images', 'hello-web', 'entry.mjs') },
  ];
}

/** Size and time for the system's files (hashing 100 MB of Node.js would cost a quarter second every run), content for ours. */
async function inputsHash(root: string, files: ImageFile[]): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify({ RECIPE, HELLO_WEB_IMAGE, CHANGES }));
  for (const file of files) {
    hash.update(file.target);
    if (file.source.startsWith(`${root}/`)) hash.update(await readFile(file.source));
    else {
      const { size, mtimeMs } = await stat(file.source);
      hash.update(`${file.source} ${size} ${mtimeMs}`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

async function build(files: ImageFile[], into: string): Promise<void> {
  const rootfs = path.join(into, 'rootfs');
  for (const file of files) {
    await mkdir(path.dirname(path.join(rootfs, file.target)), { recursive: true });
    // Follows symlinks: the image gets the libraries themselves.
    await copyFile(file.source, path.join(rootfs, file.target));
  }
  await mkdir(path.join(rootfs, 'tmp'), { mode: 0o1777 });
  const tarball = path.join(into, 'rootfs.tar');
  await execFileAsync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', tarball, '.']);
  await rm(rootfs, { recursive: true });
  // Podman's configuration, run and temporary folders are thrown away (and its run folder must have a short path).
  const podmanDir = await mkdtemp(path.join(os.tmpdir(), 'ocs-image-'));
  try {
    await runPodman(podmanDir, { storage: path.join(into, 'storage') }, ['import', '--quiet', ...CHANGES.flatMap((change) => ['--change', change]), tarball, HELLO_WEB_IMAGE]);
  } finally {
    await rm(podmanDir, { recursive: true, force: true });
  }
}

/** The call under way in this process: a second build at once would share its folder (hosts starting engines together). */
let pending: Promise<TestImage> | undefined;

/** The image's tarball and store, built when its inputs changed since the last build (older builds are removed then). */
export function helloWebImage(): Promise<TestImage> {
  pending ??= builtImage().finally(() => (pending = undefined));
  return pending;
}

async function builtImage(): Promise<TestImage> {
  const root = findRepoRoot();
  const cache = path.join(root, 'node_modules', '.cache', 'ocs-test-images');
  const files = await imageFiles(root);
  const name = `hello-web-${await inputsHash(root, files)}`;
  const dir = path.join(cache, name);
  if (!existsSync(dir)) {
    await mkdir(cache, { recursive: true });
    for (const old of (await readdir(cache)).filter((entry) => entry.startsWith('hello-web-'))) await rm(path.join(cache, old), { recursive: true, force: true });
    // Built aside and renamed into place: a run that stops halfway leaves no half-made image behind.
    const partial = `${dir}.${process.pid}.partial`;
    try {
      await build(files, partial);
      await rename(partial, dir);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }
  return { tarball: path.join(dir, 'rootfs.tar'), store: path.join(dir, 'storage') };
}

/** Makes HELLO_WEB_IMAGE available on the Docker-API engine at `socketPath`: imported from the tarball unless it has it already. */
export async function importTestImage(service: { socketPath: string }): Promise<void> {
  const docker = new Dockerode({ socketPath: service.socketPath });
  try {
    await docker.getImage(HELLO_WEB_IMAGE).inspect();
    return;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  const { tarball } = await helloWebImage();
  const progress = await docker.importImage(tarball, { changes: CHANGES });
  const events = await new Promise<{ status?: string; error?: string }[]>((resolve, reject) => docker.modem.followProgress(progress, (err, out) => (err ? reject(err) : resolve(out))));
  const failure = events.find((e) => e.error);
  if (failure) throw new Error(`importing ${HELLO_WEB_IMAGE} from ${tarball}: ${failure.error}`);
  // Tagged apart: Podman 4.3's Docker API ignores the import's tag (it would be docker.io/ocs/hello-web:latest).
  const id = events.map((e) => e.status).find((status) => status?.startsWith('sha256:'));
  if (!id) throw new Error(`importing ${HELLO_WEB_IMAGE} from ${tarball}: the engine did not say which image it made`);
  await docker.getImage(id).tag({ repo: REPOSITORY, tag: TAG });
}
