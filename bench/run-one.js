// Runs one benchmark module in this process (forked by bench/run.js) and sends its results to the parent.
import { pathToFileURL } from 'node:url';

const send = (message) => new Promise((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));

const file = process.argv[2];
try {
  const mod = await import(pathToFileURL(file).href);
  const results = await mod.default();
  await send({ type: 'results', results });
} catch (error) {
  console.error(error);
  await send({ type: 'error', error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
}
// Benchmarks close what they open; exit anyway so that a stray handle cannot hold the run.
process.exit();
