/**
 * Module boundaries (ARCHITECTURE.md, SECURITY.md): the rules of .dependency-cruiser.cjs
 * hold over src/, web/src/, test/, e2e/ and bench/, and no two folders of src/ (each module, base, db,
 * contract, app, cli) depend on each other in a cycle — a cycle dependency-cruiser's file-level rule cannot
 * see. Each failure names the files that cause it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseSync } from 'oxc-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Cruised, cruiseSources, describeCycle, folderCycles, folderEdges, folderOf, repoRoot } from './cruise.ts';

describe('module boundaries', () => {
  let cruised: Cruised;
  beforeAll(async () => {
    cruised = await cruiseSources();
  });

  it('cruises the whole code base', () => {
    const sources = new Set(cruised.modules.map((m) => m.source));
    for (const file of [
      'src/app/server.ts',
      'src/base/errors.ts',
      'src/modules/ledger/routes.ts',
      'web/src/app.tsx',
      'src/contract/requests.ts',
    ])
      expect(sources).toContain(file);
    // The server's assembly reaches every module it mounts: proof that dependencies were found at all.
    const server = cruised.modules.find((m) => m.source === 'src/app/server.ts');
    expect(server?.dependencies.map((d) => d.resolved)).toContain('src/modules/members/routes.ts');
  });

  it('keeps every rule of .dependency-cruiser.cjs', () => {
    expect(cruised.violations, cruised.violations.join('\n')).toEqual([]);
  });

  it('has no cycle between the folders of src/ (modules, base, db, contract, app, cli)', () => {
    const edges = folderEdges(cruised.modules);
    const cycles = folderCycles(edges).map((c) => describeCycle(c, edges));
    expect(cycles, `cycles between folders:\n${cycles.join('\n')}`).toEqual([]);
  });

  it('has no re-export across folders in the server (a word or type is imported from its owner)', () => {
    const found: string[] = [];
    const files = readdirSync(join(repoRoot, 'src'), { recursive: true, encoding: 'utf8' }).filter(
      (f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && f !== join('contract', 'api.ts'),
    );
    for (const rel of files) {
      const file = join(repoRoot, 'src', rel);
      const own = folderOf(relative(repoRoot, file));
      const { module } = parseSync(file, readFileSync(file, 'utf8'));
      for (const e of module.staticExports)
        for (const entry of e.entries) {
          const spec = entry.moduleRequest?.value;
          if (!spec?.startsWith('.')) continue;
          const target = relative(repoRoot, resolve(dirname(file), spec));
          if (folderOf(target) !== own) found.push(`${relative(repoRoot, file)} re-exports ${target}`);
        }
    }
    expect(found, found.join('\n')).toEqual([]);
  });

  it('keeps the console’s list of answer types type-only', () => {
    const file = join(repoRoot, 'src/contract/api.ts');
    const { program } = parseSync(file, readFileSync(file, 'utf8'));
    const kinds = program.body.map((s) => (s.type === 'ExportNamedDeclaration' ? `${s.type}:${s.exportKind}` : s.type));
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.filter((k) => k !== 'ExportNamedDeclaration:type')).toEqual([]);
  });
});

describe('the boundary checks themselves', () => {
  it('find a cycle between folders and name its files', () => {
    const edges = folderEdges([
      { source: 'src/modules/a/x.ts', dependencies: [{ resolved: 'src/modules/b/y.ts', couldNotResolve: false }] },
      { source: 'src/modules/b/y.ts', dependencies: [{ resolved: 'src/base/z.ts', couldNotResolve: false }] },
      { source: 'src/modules/b/w.ts', dependencies: [{ resolved: 'src/modules/a/v.ts', couldNotResolve: false }] },
      // A test beside the code may import another module without making a cycle.
      { source: 'src/base/z.test.ts', dependencies: [{ resolved: 'src/modules/a/x.ts', couldNotResolve: false }] },
    ]);
    const cycles = folderCycles(edges);
    expect(cycles).toEqual([['src/modules/a', 'src/modules/b']]);
    expect(describeCycle(cycles[0]!, edges)).toContain('src/modules/b/w.ts → src/modules/a/v.ts');
  });
});
