// The node's run folder (NODE_PLACEHOLDERS.nodeRunDir) on a machine shared with other users:
// one that is there must be the node user's alone before sockets go in it.
import { randomUUID } from 'node:crypto';
import { existsSync, lstatSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeNodeRunDir, nodeRunDir, removeNodeRunDir } from './node-config';

const asRoot = process.getuid!() === 0;
/** Someone else: the user "nobody". */
const OTHER_UID = 65534;

let name: string;
let dir: string;
const cleanup: string[] = [];

function fresh(): void {
  name = `ocs-test-${randomUUID()}`;
  dir = nodeRunDir(name);
  cleanup.push(dir);
}

/** A folder of ours with a file in it, for a link to point to. */
async function ourFolder(): Promise<string> {
  const target = await mkdtemp(path.join(os.tmpdir(), 'ocs-test-target-'));
  cleanup.push(target);
  await writeFile(path.join(target, 'munge.key'), 'secret');
  return target;
}

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(cleanup.splice(0).map((p) => rm(p, { recursive: true, force: true })));
});

describe('the node\'s run folder', () => {
  it('is in the temporary folder, named after the node, whatever $XDG_RUNTIME_DIR says', async () => {
    fresh();
    vi.stubEnv('XDG_RUNTIME_DIR', await ourFolder());
    expect(nodeRunDir(name)).toBe(path.join(os.tmpdir(), name));
  });

  it('is made the node user\'s alone, and one of ours is taken as it is', async () => {
    fresh();
    makeNodeRunDir(name);
    const made = lstatSync(dir);
    expect({ folder: made.isDirectory(), uid: made.uid, mode: made.mode & 0o777 }).toEqual({ folder: true, uid: process.getuid!(), mode: 0o700 });

    await writeFile(path.join(dir, 'munge.pid'), '42');
    makeNodeRunDir(name);
    expect(await readFile(path.join(dir, 'munge.pid'), 'utf8')).toBe('42');
  });

  it('is refused when it is a symbolic link, even to a folder of ours', async () => {
    fresh();
    await symlink(await ourFolder(), dir);
    expect(() => makeNodeRunDir(name)).toThrow(`the node's run folder ${dir} cannot be used: it is a symbolic link`);
  });

  it('is refused when other users may use it', async () => {
    fresh();
    await mkdir(dir);
    await chmod(dir, 0o755);
    expect(() => makeNodeRunDir(name)).toThrow(`the node's run folder ${dir} cannot be used: other users may use it (mode 755, not 700)`);
  });

  it('is refused when it is not a folder', async () => {
    fresh();
    await writeFile(dir, '', { mode: 0o600 });
    expect(() => makeNodeRunDir(name)).toThrow(`the node's run folder ${dir} cannot be used: it is not a folder`);
  });

  it.runIf(asRoot)('is refused when another user made it', async () => {
    fresh();
    await mkdir(dir, { mode: 0o700 });
    await chown(dir, OTHER_UID, OTHER_UID);
    expect(() => makeNodeRunDir(name)).toThrow(`the node's run folder ${dir} cannot be used: it belongs to user ${OTHER_UID}, not to this node's user (0)`);
  });

  it('is removed with the node when it is ours, and left alone when it is not', async () => {
    fresh();
    makeNodeRunDir(name);
    await writeFile(path.join(dir, 'munge.socket'), '');
    await removeNodeRunDir(name);
    expect(existsSync(dir)).toBe(false);
    // Gone already: nothing to do.
    await removeNodeRunDir(name);

    fresh();
    const target = await ourFolder();
    await symlink(target, dir);
    await removeNodeRunDir(name);
    expect(lstatSync(dir).isSymbolicLink()).toBe(true);
    expect(await readFile(path.join(target, 'munge.key'), 'utf8')).toBe('secret');

    if (!asRoot) return;
    fresh();
    await mkdir(dir, { mode: 0o700 });
    await chown(dir, OTHER_UID, OTHER_UID);
    await removeNodeRunDir(name);
    expect(existsSync(dir)).toBe(true);
  });
});
