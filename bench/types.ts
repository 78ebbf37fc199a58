/**
 * The contract between `bench/run.js` and each `bench/*.bench.ts`: the default export
 * `run(): Promise<BenchResult[]>` returns one row per measured target.
 */
export type BenchResult = {
  /** Short name of the measurement, e.g. `access decisions/s`. */
  name: string;
  /** The target as a human reads it, e.g. `≥ 500,000/s`. */
  target: string;
  /** The measured number, in `unit`. */
  value: number;
  unit: string;
  /** Whether `value` meets `target`. */
  ok: boolean;
  /** What else a reader needs: ratios, sizes, caveats. */
  notes?: string;
};

/** What every benchmark module exports. */
export type BenchModule = { default: () => Promise<BenchResult[]> };
