import { defineConfig } from '@playwright/test';

// Browser journeys in Debian's Chromium against a real mamori server with a fresh SQLite demo database.
const port = Number(process.env.MAMORI_E2E_PORT ?? 8199);

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/playwright.json' }]],
  use: {
    baseURL: `http://localhost:${port}`,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `rm -rf test-results/e2e-data test-results/e2e-totp-steps.json test-results/e2e-session-*.json && node bin/mamori.js serve --port ${port}`,
    url: `http://localhost:${port}/api/v1/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: { MAMORI_DATA_DIR: 'test-results/e2e-data', MAMORI_DEMO_MEMBERS: '300', LOG_LEVEL: 'warn' },
  },
});
