import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keepNodeKeys, keyFingerprint, LoginKeeper, parseKeyscan, withNodeBlock, type HostKey } from './login';
import { newSshKeyPair } from '@/lib/ssh-keys/generate';

const ALICE = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice ocs:alice@example.ac.jp';
const BOB = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBob ocs:bob@example.ac.jp';
const OWN = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwn admin@laptop';

describe('the node\'s block in authorized_keys', () => {
  it('is added at the end, keeping the account\'s own lines (a last line without its newline too)', () => {
    expect(withNodeBlock(`# mine\n${OWN}`, 'web-1', [ALICE, BOB])).toBe(`# mine\n${OWN}\n# ocs-portal web-1 begin\n${ALICE}\n${BOB}\n# ocs-portal web-1 end\n`);
  });

  it('is replaced where it stands, leaving the lines around it and other nodes\' blocks alone', () => {
    const text = `${OWN}\n# ocs-portal web-1 begin\n${ALICE}\n# ocs-portal web-1 end\n# ocs-portal web-2 begin\n${ALICE}\n# ocs-portal web-2 end\nfrom="10.0.0.1" ${OWN}\n`;
    expect(withNodeBlock(text, 'web-1', [BOB])).toBe(
      `${OWN}\n# ocs-portal web-1 begin\n${BOB}\n# ocs-portal web-1 end\n# ocs-portal web-2 begin\n${ALICE}\n# ocs-portal web-2 end\nfrom="10.0.0.1" ${OWN}\n`,
    );
  });

  it('is idempotent', () => {
    const once = withNodeBlock(`${OWN}\n`, 'web-1', [ALICE]);
    expect(withNodeBlock(once, 'web-1', [ALICE])).toBe(once);
  });

  it('goes without keys, and only it', () => {
    const text = `${OWN}\n# ocs-portal web-1 begin\n${ALICE}\n# ocs-portal web-1 end\n# ocs-portal web-10 begin\n${BOB}\n# ocs-portal web-10 end\n`;
    expect(withNodeBlock(text, 'web-1', [])).toBe(`${OWN}\n# ocs-portal web-10 begin\n${BOB}\n# ocs-portal web-10 end\n`);
    expect(withNodeBlock(`# ocs-portal web-1 begin\n${ALICE}\n# ocs-portal web-1 end\n`, 'web-1', [])).toBe('');
  });

  it('without its end marker loses only the marker: the lines after it may be the account\'s', () => {
    expect(withNodeBlock(`# ocs-portal web-1 begin\n${OWN}\n`, 'web-1', [ALICE])).toBe(`# ocs-portal web-1 begin\n${ALICE}\n# ocs-portal web-1 end\n${OWN}\n`);
  });
});

describe('keeping the keys in a file', () => {
  let home: string;
  let file: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'ocs-login-'));
    file = path.join(home, '.ssh', 'authorized_keys');
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('makes ~/.ssh (0700) and the file (0600) when there are keys, and nothing when there are none', async () => {
    await keepNodeKeys(file, 'web-1', []);
    await expect(stat(path.dirname(file))).rejects.toThrow(/ENOENT/);
    await keepNodeKeys(file, 'web-1', [ALICE]);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe(`# ocs-portal web-1 begin\n${ALICE}\n# ocs-portal web-1 end\n`);
  });

  it('writes only when the block changes, and leaves no lock or temporary file', async () => {
    await keepNodeKeys(file, 'web-1', [ALICE]);
    const first = await stat(file);
    await keepNodeKeys(file, 'web-1', [ALICE]);
    expect((await stat(file)).ino).toBe(first.ino);
    await keepNodeKeys(file, 'web-1', [ALICE, BOB]);
    expect((await stat(file)).ino).not.toBe(first.ino);
    expect(await readdir(path.dirname(file))).toEqual(['authorized_keys']);
  });

  it('keeps the blocks of nodes whose agents update the file at once', async () => {
    await mkdir(path.dirname(file), { mode: 0o700 });
    await writeFile(file, `${OWN}\n`);
    await Promise.all(Array.from({ length: 8 }, (_, i) => keepNodeKeys(file, `web-${i}`, [ALICE])));
    const text = await readFile(file, 'utf8');
    expect(text.startsWith(`${OWN}\n`)).toBe(true);
    for (let i = 0; i < 8; i++) expect(text).toContain(`# ocs-portal web-${i} begin\n${ALICE}\n# ocs-portal web-${i} end\n`);
  });
});

describe('host keys', () => {
  it('are fingerprinted as ssh-keygen prints them', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ocs-hostkey-'));
    try {
      const pair = newSshKeyPair('');
      await writeFile(path.join(dir, 'key.pub'), `${pair.public}\n`);
      const printed = execFileSync('ssh-keygen', ['-l', '-f', path.join(dir, 'key.pub')], { encoding: 'utf8' }).split(/\s+/)[1];
      const blob = pair.public.split(' ')[1]!;
      expect(keyFingerprint(blob)).toBe(printed);
      // As ssh-keyscan prints them: its comments, and each key once.
      expect(parseKeyscan(`# 10.0.0.5:22 SSH-2.0-OpenSSH_9.2\n10.0.0.5 ssh-ed25519 ${blob}\n10.0.0.5 ssh-ed25519 ${blob}\n`)).toEqual([{ type: 'ssh-ed25519', fingerprint: printed }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the login keeper', () => {
  let home: string;
  let file: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'ocs-keeper-'));
    file = path.join(home, '.ssh', 'authorized_keys');
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  function keeper(scan: () => Promise<HostKey[]>) {
    let changes = 0;
    const k = new LoginKeeper({ nodeName: 'web-1', nodeIp: '10.0.0.5', log: () => {}, onChange: () => changes++, file, scan });
    return { k, changes: () => changes };
  }

  it('installs the keys, reports them with the host keys, and takes them out when the login goes', async () => {
    const hostKeys = [{ type: 'ssh-ed25519', fingerprint: 'SHA256:abc' }];
    const { k, changes } = keeper(async () => hostKeys);
    await k.apply({ keys: [ALICE, BOB] });
    await expect.poll(changes).toBeGreaterThan(0);
    expect(k.report()).toEqual({ user: os.userInfo().username, hostKeys, keysInstalled: 2 });
    expect(await readFile(file, 'utf8')).toContain(BOB);
    await k.apply(undefined);
    expect(k.report()).toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe('');
    k.stop();
  });

  it('says why host keys could not be read, and still installs the keys', async () => {
    const { k, changes } = keeper(async () => {
      throw new Error('no SSH server answered on 10.0.0.5:22');
    });
    await k.apply({ keys: [ALICE] });
    await expect.poll(changes).toBeGreaterThan(0);
    expect(k.report()).toEqual({ user: os.userInfo().username, hostKeys: [], keysInstalled: 1, problem: 'no SSH server answered on 10.0.0.5:22' });
    k.stop();
  });
});
