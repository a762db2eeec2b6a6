import { expect, type Page } from '@playwright/test';

/** Signs in through the development OIDC IdP, as a person would (on `baseUrl` when given: a second portal). */
export async function signInWithOidc(page: Page, username: string, password: string, baseUrl = '') {
  await page.goto(`${baseUrl}/signin`);
  await page.getByRole('button', { name: 'OpenID Connect でサインイン' }).click();
  await fillIdpLogin(page, username, password);
  await expect(page).toHaveURL(/\/catalog/);
}

/** Signs in through GakuNin (SAML): pick the institution, then log in at its IdP. */
export async function signInWithSaml(page: Page, institution: RegExp, username: string, password: string) {
  await page.goto('/signin');
  await page.getByRole('link', { name: institution }).click();
  await fillIdpLogin(page, username, password);
  await expect(page).toHaveURL(/\/catalog/);
}

async function fillIdpLogin(page: Page, username: string, password: string) {
  await page.getByLabel(/ユーザー名|Username/).fill(username);
  await page.getByLabel(/パスワード|Password/).fill(password);
  await page.getByRole('button', { name: /サインイン/ }).click();
}
