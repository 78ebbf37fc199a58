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
  return execFileSync(process.execPath, ['bin/mamori.js', 'demo', 'totp', login, `--ahead=${ahead}`], {
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
 * codes a journey computes itself, e.g. from a secret it has just bound (see totp-rebind.spec.ts). With
 * `previous`, the step before the current one is taken first while enough of the current step is left for the
 * server to still accept it (it accepts one step of drift either way): three sign-ins a step instead of two, so
 * that journeys signing in one after another wait less.
 */
export async function freshStep(login: string, opts: { previous?: boolean } = {}): Promise<{ step: number; ahead: -1 | 0 | 1 }> {
  for (;;) {
    const now = Date.now();
    const step = Math.floor(now / 30_000);
    const left = 30_000 - (now % 30_000);
    const last = usedSteps()[login] ?? -1;
    const ahead = opts.previous && last < step - 1 && left > 15_000 ? -1 : last < step ? 0 : last === step ? 1 : undefined;
    if (ahead !== undefined) {
      writeFileSync(STEPS_FILE, JSON.stringify({ ...usedSteps(), [login]: step + ahead }));
      return { step: step + ahead, ahead };
    }
    await new Promise((r) => setTimeout(r, left + 200));
  }
}

/** A TOTP code of a demo user whose step has not been used yet in this run. */
export async function freshTotp(login: string): Promise<string> {
  for (;;) {
    const { step, ahead } = await freshStep(login, { previous: true });
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

/**
 * Signs in through the console; `totp` answers the second step with the user's current code. With `reuse`, a
 * journey whose subject is not the sign-in takes the session an earlier journey of this run left for the same user
 * (its cookies, saved after signing in) when the server still knows it, and signs in only otherwise: each TOTP step
 * is accepted once, so journeys signing the same user in one after another would otherwise wait for fresh steps.
 */
export async function signIn(page: Page, login: string, opts: { totp?: boolean; reuse?: boolean } = {}) {
  const saved = `test-results/e2e-session-${login}.json`;
  if (opts.reuse && existsSync(saved)) {
    await page.context().addCookies(JSON.parse(readFileSync(saved, 'utf8')).cookies);
    await page.goto('/');
    const me = await page.request.get('/api/v1/auth/me');
    if (me.ok()) {
      await expect(page.getByTestId('current-user')).toBeVisible();
      return;
    }
    await page.context().clearCookies();
  }
  await page.goto('/');
  await fillPassword(page, login);
  if (opts.totp) {
    await expect(page.getByRole('heading', { name: '二要素認証' })).toBeVisible();
    await page.getByLabel('確認コード').fill(await freshTotp(login));
    await page.getByRole('button', { name: '確認', exact: true }).click();
  }
  await expect(page.getByTestId('current-user')).toBeVisible();
  if (opts.reuse) await page.context().storageState({ path: saved });
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
