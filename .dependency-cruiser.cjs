/**
 * mamori's dependency rules, checked in `npm test` by test/architecture/boundaries.test.ts (through
 * test/architecture/cruise.ts, which feeds dependency-cruiser an import-only mirror of the TypeScript).
 *
 * The layers, bottom to top:
 *   src/contract   what the server and the console share (vocabularies, role kinds, field issues, answer types);
 *                  it imports nothing else (api.ts alone names the modules' answer types, type-only)
 *   src/base       errors, the context, actors, route guards, events, settings, small utilities
 *   src/db         Kysely per dialect, schema, migrations
 *   src/modules/*  the modules, in an order without cycles between them (checked by the test, per folder)
 *   src/app        the assembly (server, bootstrap, context building, HTTP error mapping); src/cli the commands
 * The console (web/src) reaches server code only through src/contract. Test helpers live under test/.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No file may depend on itself through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-assembly-below',
      severity: 'error',
      comment:
        'Modules, base, db and contract never import the assembly (src/app) or the commands (src/cli); tests beside them may build a server.',
      from: { path: '^src/(modules|base|db|contract)/', pathNot: '[.]test[.]js$' },
      to: { path: '^src/(app|cli)/' },
    },
    {
      name: 'base-knows-no-module',
      severity: 'error',
      comment: 'src/base sits below the modules: it imports only base, db, contract and packages.',
      from: { path: '^src/base/' },
      to: { path: '^src/', pathNot: '^src/(base|db|contract)/' },
    },
    {
      name: 'db-knows-no-module',
      severity: 'error',
      comment: 'src/db sits below the modules: it imports only db, base, contract and packages.',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: '^src/(db|base|contract)/' },
    },
    {
      name: 'contract-stands-alone',
      severity: 'error',
      comment:
        'src/contract is shared with the console: it imports only itself; api.ts alone names (type-only) the answer types of the modules.',
      from: { path: '^src/contract/', pathNot: '^src/contract/api[.]js$' },
      to: { path: '^src/', pathNot: '^src/contract/' },
    },
    {
      name: 'api-types-for-the-console-only',
      severity: 'error',
      comment: 'src/contract/api.ts gathers answer types for web/src; server code imports the modules themselves.',
      from: { path: '^src/' },
      to: { path: '^src/contract/api[.]js$' },
    },
    {
      name: 'console-through-contract',
      severity: 'error',
      comment: 'web/src imports server code only through src/contract.',
      from: { path: '^web/src/' },
      to: { path: '^(src|test|bench|e2e|scripts)/', pathNot: '^src/contract/' },
    },
    {
      name: 'no-test-helpers-in-production',
      severity: 'error',
      comment: 'Production code never imports tests, test fixtures or test clients (they live under test/).',
      from: { path: '^(src|web/src)/', pathNot: '[.]test[.]js$' },
      to: { path: '(^test/|^e2e/|^bench/|[.]test[.]js$)' },
    },
    {
      name: 'no-test-frameworks-in-production',
      severity: 'error',
      comment: 'Production code never imports vitest or Playwright.',
      from: { path: '^(src|web/src)/', pathNot: '[.]test[.]js$' },
      to: { path: '(^|/)node_modules/(vitest|@vitest|@playwright|playwright|fast-check)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every relative import resolves to a file.',
      from: {},
      to: { couldNotResolve: true, path: '^[.]' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
  },
};
