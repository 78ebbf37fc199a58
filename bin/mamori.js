#!/usr/bin/env node
// Entry point of the `mamori` command. Plain JavaScript so that it can refuse an old Node.js with a clear
// message before anything TypeScript is loaded (Node 22.18+ runs our .ts sources by stripping types).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18) || !process.features?.typescript) {
  console.error(
    `mamori は Node.js 22.18 以降が必要です（現在 ${process.version}）。npm start / npm run / npx mamori で実行すると同梱の Node.js 24 が使われます。\n` +
      `mamori needs Node.js 22.18 or newer (this is ${process.version}). Run it through npm start, npm run or npx mamori, which use the bundled Node.js 24.`,
  );
  process.exit(1);
}
await import('../src/cli/main.ts');
