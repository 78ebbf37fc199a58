/**
 * Runs dependency-cruiser over mamori's TypeScript with the rules in `.dependency-cruiser.cjs`.
 *
 * dependency-cruiser 18 reads TypeScript only through the `typescript` package up to version 6, and mamori
 * type-checks with TypeScript 7, so it cannot parse our `.ts` files itself. We give it what it needs instead:
 * each source file is parsed with oxc (`oxc-parser`, a dev dependency; the parser Vite's bundler uses,
 * which reads TypeScript and TSX completely) and written to a temporary mirror as a JavaScript file holding
 * only its import and export-from statements — type-only ones included, since a type in the wrong place is
 * a dependency like any other — with `.ts`/`.tsx` specifiers turned into `.js`. dependency-cruiser then
 * resolves and judges the mirror, and the paths it reports are mapped back to the real files.
 *
 * Run as a script (`node test/architecture/cruise.ts`) it prints the violations and exits 1 if there are any.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IModule } from 'dependency-cruiser';
import { parseSync } from 'oxc-parser';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The folders whose files are cruised (relative to the repository root). */
export const cruisedRoots = ['src', 'web/src', 'test', 'e2e', 'bench'];

const sourceFile = /\.(ts|tsx)$/;

function walk(dir: string, out: string[]): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (sourceFile.test(e.name) || /\.(json|css)$/.test(e.name)) out.push(full);
  }
}

const mirrorName = (rel: string) => rel.replace(/\.d\.ts$/, '.d.js').replace(sourceFile, '.js');

function specifiers(file: string, code: string): string[] {
  const parsed = parseSync(file, code);
  if (parsed.errors.length) throw new Error(`${file}: ${parsed.errors[0]?.message}`);
  const out: string[] = [];
  for (const i of parsed.module.staticImports) out.push(i.moduleRequest.value);
  for (const e of parsed.module.staticExports) for (const entry of e.entries) if (entry.moduleRequest) out.push(entry.moduleRequest.value);
  for (const d of parsed.module.dynamicImports) {
    const text = code.slice(d.moduleRequest.start, d.moduleRequest.end);
    const literal = /^(['"`])([^'"`$]*)\1$/.exec(text);
    if (literal?.[2]) out.push(literal[2]);
  }
  return out;
}

/** Writes the import-only mirror; returns its directory and the map from mirror path back to real path. */
function writeMirror(): { dir: string; back: Map<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-cruise-'));
  const back = new Map<string, string>();
  const files: string[] = [];
  for (const root of cruisedRoots) walk(join(repoRoot, root), files);
  for (const file of files) {
    const rel = relative(repoRoot, file);
    const asset = /\.(json|css)$/.test(rel);
    const target = join(dir, asset ? rel : mirrorName(rel));
    mkdirSync(dirname(target), { recursive: true });
    if (asset) {
      writeFileSync(target, rel.endsWith('.json') ? '{}' : '');
      back.set(rel, rel);
      continue;
    }
    const lines = specifiers(file, readFileSync(file, 'utf8')).map((s) => {
      const local = s.startsWith('.') ? s.replace(/\.tsx?$/, '.js') : s;
      return `import ${JSON.stringify(local)};`;
    });
    writeFileSync(target, `${lines.join('\n')}\n`);
    back.set(relative(dir, target), rel);
  }
  // Package manifests, so that dependency-cruiser can tell packages from missing files.
  writeFileSync(join(dir, 'package.json'), readFileSync(join(repoRoot, 'package.json')));
  return { dir, back };
}

export interface Cruised {
  /** Every cruised file (real path relative to the repository) with the real paths it imports. */
  modules: { source: string; dependencies: { resolved: string; couldNotResolve: boolean }[] }[];
  /** Rule violations as `rule: from → to` lines. */
  violations: string[];
}

/** Cruises the sources with the rules of `.dependency-cruiser.cjs` (or the given ones, for tests of the rules). */
export async function cruiseSources(ruleSet?: object): Promise<Cruised> {
  const require = createRequire(import.meta.url);
  const config = ruleSet ?? require(join(repoRoot, '.dependency-cruiser.cjs'));
  const { dir, back } = writeMirror();
  const cwd = process.cwd();
  try {
    process.chdir(dir);
    const result = await cruise(
      cruisedRoots.filter((r) => {
        try {
          readdirSync(join(dir, r));
          return true;
        } catch {
          return false;
        }
      }),
      {
        validate: true,
        ruleSet: config,
        doNotFollow: { path: 'node_modules' },
        exclude: { path: 'node_modules' },
        baseDir: dir,
        moduleSystems: ['es6'],
      },
      { modules: [join(repoRoot, 'node_modules'), 'node_modules'] },
    );
    const output = result.output as ICruiseResult;
    const real = (p: string) => back.get(p) ?? p;
    const modules = output.modules
      .filter((m: IModule) => back.has(m.source))
      .map((m: IModule) => ({
        source: real(m.source),
        dependencies: m.dependencies.map((d) => ({ resolved: real(d.resolved), couldNotResolve: d.couldNotResolve })),
      }));
    const violations = output.summary.violations.map((v) => {
      const via = v.cycle?.length ? ` (cycle: ${v.cycle.map((c) => real(c.name)).join(' → ')})` : '';
      return `${v.rule.name}: ${real(v.from)} → ${real(v.to)}${via}`;
    });
    return { modules, violations };
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The layer or module folder a production file belongs to, for the folder-level cycle check; null for files
 * outside the layers and for tests (a test beside the code may import what it needs to set up its case).
 */
export function folderOf(path: string): string | null {
  if (/\.test\.tsx?$/.test(path)) return null;
  const m = /^src\/modules\/([^/]+)\//.exec(path);
  if (m) return `src/modules/${m[1]}`;
  const top = /^src\/([^/]+)\//.exec(path);
  if (top) return `src/${top[1]}`;
  if (path.startsWith('web/src/')) return 'web/src';
  return null;
}

/** The edges between folders (`from` imports something of `to`), each with one file-level example. */
export function folderEdges(modules: Cruised['modules']): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const m of modules) {
    const from = folderOf(m.source);
    // The console's list of answer types names modules by design (type-only; a rule keeps the server from it).
    if (!from || m.source === 'src/contract/api.ts') continue;
    for (const d of m.dependencies) {
      const to = folderOf(d.resolved);
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      const out = edges.get(from) as Map<string, string>;
      if (!out.has(to)) out.set(to, `${m.source} → ${d.resolved}`);
    }
  }
  return edges;
}

/** Every cycle between folders, as strongly connected components with more than one folder (Tarjan). */
export function folderCycles(edges: Map<string, Map<string, string>>): string[][] {
  const nodes = new Set<string>();
  for (const [from, tos] of edges) {
    nodes.add(from);
    for (const to of tos.keys()) nodes.add(to);
  }
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!idx.has(v)) visit(v);
  return components;
}

/** One readable path around a cycle's folders, naming a file-level import for each step. */
export function describeCycle(component: string[], edges: Map<string, Map<string, string>>): string {
  const inside = new Set(component);
  const steps: string[] = [];
  for (const from of component)
    for (const [to, example] of edges.get(from) ?? []) if (inside.has(to)) steps.push(`  ${from} → ${to}  (${example})`);
  return `{${component.join(', ')}}\n${steps.join('\n')}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { modules, violations } = await cruiseSources();
  const edges = folderEdges(modules);
  const cycles = folderCycles(edges).map((c) => `folder cycle: ${describeCycle(c, edges)}`);
  for (const line of [...violations, ...cycles]) console.error(line);
  console.log(`${modules.length} files cruised, ${violations.length} rule violations, ${cycles.length} folder cycles`);
  process.exit(violations.length || cycles.length ? 1 : 0);
}
