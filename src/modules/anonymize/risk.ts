/**
 * Re-identification risk of the released classes (El Emam's three attackers). `f` is a class's size in the
 * release, `F` its size in the population: estimated as f × N / n when a population of N is given (the records a
 * uniform sample of it), otherwise the release is its own population (F = f).
 * - prosecutor (the attacker knows the person is in the release): highest 1 / min f, average classes / records.
 * - journalist (the person is somewhere in the population): highest 1 / min F, average Σ f/F over records.
 * - marketer (re-identify as many as possible): the expected share re-identified, (1/n) Σ f/F, for both figures.
 */
import type { AnonymizeReport } from './types.ts';

export function riskOf(sizes: readonly number[], inputRecords: number, populationSize?: number): AnonymizeReport['risk'] {
  const released = sizes.reduce((a, b) => a + b, 0);
  if (released === 0 || sizes.length === 0) {
    const zero = { highest: 0, average: 0 };
    return { prosecutor: zero, journalist: zero, marketer: zero };
  }
  const scale = populationSize && populationSize > inputRecords ? populationSize / inputRecords : 1;
  let minF = Number.POSITIVE_INFINITY;
  let minPop = Number.POSITIVE_INFINITY;
  let share = 0;
  for (const f of sizes) {
    const population = Math.max(f, f * scale);
    minF = Math.min(minF, f);
    minPop = Math.min(minPop, population);
    share += f / population;
  }
  const marketer = share / released;
  return {
    prosecutor: { highest: 1 / minF, average: sizes.length / released },
    journalist: { highest: 1 / minPop, average: marketer },
    marketer: { highest: marketer, average: marketer },
  };
}
