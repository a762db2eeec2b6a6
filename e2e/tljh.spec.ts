import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { signInWithOidc } from './sign-in';

/** Processes started for a JupyterHub of this e2e run (the launcher marks them with OCS_TLJH_DIR). */
function jupyterProcesses(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (environ.includes(`OCS_TLJH_DIR=${E2E.dataDir}`)) found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return found;
}

test('a lab admin launches The Littlest JupyterHub, a student signs in to it, and deleting it leaves no JupyterHub', async ({ page, context }) => {
  test.setTimeout(240_000);
  await signInWithOidc(page, 'labadmin', 'labadmin');
  await page.getByTestId('template-tljh').getByRole('link', { name: '開く' }).click();
  await page.getByLabel('ユニットグループ名').fill(`tljh-${Date.now().toString(36)}`);
  await page.getByLabel('学生数').fill('2');
  await page.getByLabel('クラスパスワード').fill('class-pass-2026');

  // The plan shows one local node running JupyterHub, free of charge, before anything is created.
  await page.getByRole('button', { name: 'プランを確認' }).click();
  await expect(page.getByTestId('plan-preview')).toHaveAttribute('data-can-submit', 'true');
  await expect(page.getByTestId('plan-preview')).toContainText('jupyterhub');
  await page.getByRole('button', { name: '構築を開始' }).click();
  await expect(page.getByTestId('build-log')).toContainText('build succeeded', { timeout: 150_000 });
  await expect(page.getByTestId('output-accounts')).toContainText('student01, student02');

  // A student opens the hub from the build's output link and reaches a notebook server.
  const [hub] = await Promise.all([context.waitForEvent('page'), page.getByTestId('output-url').getByRole('link').click()]);
  await hub.getByLabel('Username:').fill('student01');
  await hub.getByLabel('Password:').fill('class-pass-2026');
  await hub.getByRole('button', { name: 'Sign in' }).click();
  await expect(hub).toHaveURL(/\/user\/student01\/tree/, { timeout: 60_000 });
  await expect(hub).toHaveTitle(/Home Page/);
  const hubUrl = new URL(hub.url()).origin;
  await hub.close();
  expect(jupyterProcesses().length).toBeGreaterThanOrEqual(3);

  await page.getByRole('link', { name: /ユニットグループを表示/ }).click();
  await page.getByRole('button', { name: '削除', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click();
  await expect(page.getByTestId('unit-group-gone')).toBeVisible();
  expect(jupyterProcesses()).toEqual([]);
  await expect(fetch(hubUrl, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
});
