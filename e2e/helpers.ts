/** Shared steps of the browser journeys: signing in (with the demo user's current TOTP code) and screenshots. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'mamori-demo-2026';
/** The data folder of the server playwright.config.ts starts. */
export const E2E_DATA_DIR = 'test-results/e2e-data';
const SHOTS = 'test-results/screenshots';

/** The current TOTP code of a demo user, from the same CLI a person would use (`mamori demo totp officer`). */
export function demoTotp(login: string, ahead = 0): string {
  return execFileSync(process.execPath, ['bin/mamori.js', 'demo', 'totp', login, '--ahead', String(ahead)], {
    env: { ...process.env, MAMORI_DATA_DIR: E2E_DATA_DIR, LOG_LEVEL: 'error' },
    encoding: 'utf8',
  }).trim();
}

// The server accepts each 30-s step once per user (no replay). Journeys sign the same demo user in several
// times, so the steps used are remembered (in a file: workers may restart) and a fresh one is taken: the
// next step's code (one step of drift is accepted) or, failing that, the current one after the boundary.
const STEPS_FILE = 'test-results/e2e-totp-steps.json';
const usedSteps = (): Record<string, number> => (existsSync(STEPS_FILE) ? JSON.parse(readFileSync(STEPS_FILE, 'utf8')) : {});

/**
 * A 30-s step of a user's TOTP not used yet in this run (the current one or the next), marked as used: for
 * codes a journey computes itself, e.g. from a secret it has just bound (see totp-rebind.spec.ts).
 */
export async function freshStep(login: string): Promise<{ step: number; ahead: 0 | 1 }> {
  for (;;) {
    const step = Math.floor(Date.now() / 30_000);
    const last = usedSteps()[login] ?? -1;
    const ahead = last < step ? 0 : last === step ? 1 : -1;
    if (ahead !== -1) {
      writeFileSync(STEPS_FILE, JSON.stringify({ ...usedSteps(), [login]: step + ahead }));
      return { step: step + ahead, ahead };
    }
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
  }
}

/** A TOTP code of a demo user whose step has not been used yet in this run. */
export async function freshTotp(login: string): Promise<string> {
  for (;;) {
    const { step, ahead } = await freshStep(login);
    // The CLI reads the clock itself: on a busy machine the 30-s window may turn while it starts, and its
    // code is then for the step after the one taken (which a later sign-in would take again: a replay). Such
    // a code is thrown away unused, and a fresh step taken.
    const code = demoTotp(login, ahead);
    if (Math.floor(Date.now() / 30_000) + ahead === step) return code;
  }
}

export async function fillPassword(page: Page, login: string, password = DEMO_PASSWORD) {
  // Wait for any earlier attempt to finish: its answer clears the password field.
  await expect(page.getByRole('button', { name: 'ログイン', exact: true })).toBeEnabled();
  await page.getByLabel('ログインID').fill(login);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
}

/** Signs in through the console; `totp` answers the second step with the user's current code. */
export async function signIn(page: Page, login: string, opts: { totp?: boolean } = {}) {
  await page.goto('/');
  await fillPassword(page, login);
  if (opts.totp) {
    await expect(page.getByRole('heading', { name: '二要素認証' })).toBeVisible();
    await page.getByLabel('確認コード').fill(await freshTotp(login));
    await page.getByRole('button', { name: '確認', exact: true }).click();
  }
  await expect(page.getByTestId('current-user')).toBeVisible();
}

export function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'メインメニュー' });
}

/** Saves a full-page screenshot as a test artifact under test-results/screenshots/. */
export async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** The member id of the member page the browser shows. */
export function memberIdOf(page: Page): string {
  const m = /\/members\/([^/?]+)/.exec(new URL(page.url()).pathname);
  if (!m?.[1]) throw new Error(`not on a member page: ${page.url()}`);
  return m[1];
}
