/**
 * mamori's dependency rules, checked in `npm test` (test/architecture/boundaries.test.ts, through
 * test/architecture/cruise.ts). The layers, bottom to top: src/base (errors, context, actors, guards, small
 * utilities) and src/db; the modules in src/modules/<name>; the assembly in src/app and the commands in
 * src/cli. The console (web/src) reaches server code only through src/contract. Cycles between module
 * FOLDERS are found by the test itself, since these rules see files.
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
  ],
};
