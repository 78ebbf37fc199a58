#!/usr/bin/env node
// `npm test`: prepares what a fresh machine lacks for the tests, then runs lint, type check, module boundaries, the unit and
// data tests (Vitest, on SQLite and PostgreSQL) and the browser journeys (Playwright in Debian's Chromium).
// With MAMORI_TEST_STRICT=1 (set by .ci/run) a skipped PostgreSQL or browser suite fails the run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.env.MAMORI_TEST_STRICT === '1';
const isRoot = process.getuid?.() === 0;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const say = (ja, en) => console.log(`\n▶ ${ja}\n  ${en}`);
const loud = (ja, en) => console.warn(`\n${'!'.repeat(78)}\n!! ${ja}\n!! ${en}\n${'!'.repeat(78)}\n`);

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `Node.js 22.18 以降が必要です（現在 ${process.version}）。npm test で実行してください。\nNode.js 22.18+ is required (this is ${process.version}); run through npm test.`,
  );
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...opts.env } });
  return r.status ?? 1;
}

function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(1500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

// --- PostgreSQL: start a stopped local server -------------------------------------------------------
if (!(await portOpen(5432))) {
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (versions.length && existsSync('/usr/bin/pg_ctlcluster')) {
    say('PostgreSQL を起動します', 'Starting the local PostgreSQL server');
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start'], { stdio: 'inherit' });
    for (let i = 0; i < 20 && !(await portOpen(5432)); i++) await new Promise((r) => setTimeout(r, 500));
  }
  if (!(await portOpen(5432))) {
    loud(
      'PostgreSQL (127.0.0.1:5432) に接続できません。PostgreSQL のテストは省略されます。',
      'PostgreSQL (127.0.0.1:5432) is not reachable: install and start it (Debian: apt-get install postgresql) or the PostgreSQL suites are skipped.',
    );
  }
}

// --- MariaDB (the MySQL connector's suites): start a stopped local server -----------------------------
if (!(await portOpen(3306)) && existsSync('/usr/sbin/mariadbd') && existsSync('/sbin/start-stop-daemon')) {
  say('MariaDB を起動します', 'Starting the local MariaDB server');
  spawnSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd'], { stdio: 'inherit' });
  for (let i = 0; i < 30 && !(await portOpen(3306)); i++) await new Promise((r) => setTimeout(r, 500));
}
if (!(await portOpen(3306))) {
  loud(
    'MariaDB / MySQL (127.0.0.1:3306) に接続できません。MySQL 連携のテストは省略されます。',
    'MariaDB / MySQL (127.0.0.1:3306) is not reachable: install and start it (Debian: apt-get install mariadb-server) or the MySQL connector suites are skipped.',
  );
}

// --- Chromium and Japanese fonts for the browser journeys -----------------------------------------
const chromium = '/usr/bin/chromium';
const cjkFont = () => existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
// poppler-utils (pdftoppm, pdftotext): the disclosure PDF test renders the PDF to check its Japanese text.
const pdfTools = () => existsSync('/usr/bin/pdftoppm');
// openssh-server (sshd, only the binary: the tests start their own on a free port): deliveries to a real OpenSSH.
const sshd = () => existsSync('/usr/sbin/sshd');
if ((!existsSync(chromium) || !cjkFont() || !pdfTools() || !sshd()) && isRoot) {
  say(
    'Chromium・日本語フォント・PDFツール・OpenSSH サーバーを導入します（apt-get）',
    "Installing Debian's chromium, fonts-noto-cjk, poppler-utils and openssh-server (apt-get)",
  );
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  spawnSync(
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-noto-cjk', 'poppler-utils', 'openssh-server'],
    {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    },
  );
}
const browserReady = existsSync(chromium);
if (!browserReady) {
  loud(
    'Chromium がないため、ブラウザのテストを省略します。root で apt-get install chromium fonts-noto-cjk を実行してください。',
    'Chromium is missing: the browser journeys are SKIPPED. Install it as root: apt-get install chromium fonts-noto-cjk',
  );
}
if (!cjkFont() || !pdfTools()) {
  loud(
    '日本語フォントまたは poppler-utils がないため、開示PDFの描画テストは失敗します。root で apt-get install fonts-noto-cjk poppler-utils を実行してください。',
    'fonts-noto-cjk or poppler-utils is missing: the disclosure PDF rendering test will fail. Install them as root: apt-get install fonts-noto-cjk poppler-utils',
  );
}

if (!sshd()) {
  loud(
    'OpenSSH サーバーがないため、実際の OpenSSH への提供のテストは行いません。root で apt-get install openssh-server を実行してください。',
    'openssh-server is missing: the deliveries to a real OpenSSH server are not tested. Install it as root: apt-get install openssh-server',
  );
}

// --- Lint and types ---------------------------------------------------------------------------------
const failedSteps = [];
say('Biome（lint と整形）', 'Biome lint and format check');
if (run(bin('biome'), ['ci', '.']) !== 0) failedSteps.push('biome');
say('型検査', 'Type check (tsc)');
if (run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']) !== 0) failedSteps.push('tsc');
say('モジュールの境界（依存関係の規則と循環）', 'Module boundaries (dependency-cruiser rules, no cycles between folders)');
if (run(process.execPath, [join(root, 'test', 'architecture', 'cruise.ts')]) !== 0) failedSteps.push('boundaries');

// --- Unit and data tests ------------------------------------------------------------------------------
const reports = join(root, 'test-results');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
say('単体・データテスト（SQLite と PostgreSQL）', 'Unit and data tests (Vitest, SQLite and PostgreSQL)');
run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, 'vitest.json')}`]);

// --- Browser journeys -------------------------------------------------------------------------------
let playwrightStatus = 0;
const hasE2e = existsSync(join(root, 'e2e')) && readdirSync(join(root, 'e2e')).some((f) => f.endsWith('.spec.ts'));
if (browserReady && hasE2e) {
  say('管理画面のビルド', 'Building the web console');
  if (run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']) !== 0)
    failedSteps.push('vite build');
  say('ブラウザのテスト（Chromium）', 'Browser journeys (Playwright, Chromium)');
  playwrightStatus = run(bin('playwright'), ['test'], { env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'playwright.json') } });
}

// --- One closing line -------------------------------------------------------------------------------
let passed = 0;
let failed = 0;
let skipped = 0;
const vitestFile = join(reports, 'vitest.json');
if (existsSync(vitestFile)) {
  const v = JSON.parse(readFileSync(vitestFile, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests + (v.numFailedTestSuites ?? 0);
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
  if (!v.success && v.numFailedTests === 0 && !v.numFailedTestSuites) failedSteps.push('vitest');
} else {
  failedSteps.push('vitest (no report)');
}
const pwFile = join(reports, 'playwright.json');
if (existsSync(pwFile)) {
  const s = JSON.parse(readFileSync(pwFile, 'utf8')).stats;
  passed += s.expected;
  failed += s.unexpected;
  skipped += s.skipped;
  if (s.flaky) console.warn(`flaky: ${s.flaky}`);
  // A server that never started (e.g. its port taken) fails the run with no test counted as failed.
  if (playwrightStatus !== 0 && s.unexpected === 0) failedSteps.push(`playwright (exit ${playwrightStatus})`);
  if (hasE2e && browserReady && s.expected === 0) failedSteps.push('playwright (no journey ran)');
} else if (hasE2e && browserReady) {
  failedSteps.push('playwright (no report)');
}
if (strict && (!browserReady || !hasE2e)) failedSteps.push('browser suite skipped (MAMORI_TEST_STRICT=1)');
if (strict && !sshd()) failedSteps.push('OpenSSH delivery suite not run: openssh-server missing (MAMORI_TEST_STRICT=1)');
if (strict && skipped > 0) failedSteps.push(`${skipped} skipped tests (MAMORI_TEST_STRICT=1)`);

if (failedSteps.length) console.error(`\n失敗した手順 / failed steps: ${failedSteps.join(', ')}`);
console.log(`\ntests: ${passed} passed, ${failed + failedSteps.length} failed, ${skipped} skipped`);
process.exit(failed === 0 && failedSteps.length === 0 ? 0 : 1);
