import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.ts';

/** A run function that records its groups and answers when released. */
function recorder<O>(answer: (items: number[]) => O[] | Promise<O[]>) {
  const groups: number[][] = [];
  let running = 0;
  let maxRunning = 0;
  const release: (() => void)[] = [];
  const run = async (items: number[]) => {
    groups.push(items);
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((r) => release.push(r));
    running -= 1;
    return answer(items);
  };
  return {
    run,
    groups,
    release,
    get maxRunning() {
      return maxRunning;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Batcher (group commit)', () => {
  it('runs items arriving together as one group, and answers each with its own result, in order', async () => {
    const r = recorder((items) => items.map((i) => i * 10));
    const b = new Batcher(r.run, { maxBatch: 100, maxInFlight: 1 });
    const answers = Promise.all([1, 2, 3].map((i) => b.add(i)));
    await tick();
    expect(r.groups).toEqual([[1, 2, 3]]);
    r.release.shift()!();
    expect(await answers).toEqual([10, 20, 30]);
  });

  it('lets items wait while the groups in flight run, then takes them together, never more than maxBatch', async () => {
    const r = recorder((items) => items);
    const b = new Batcher(r.run, { maxBatch: 4, maxInFlight: 2 });
    const all: Promise<number>[] = [b.add(1)];
    await tick();
    all.push(b.add(2));
    await tick();
    // Two groups in flight: the next items wait.
    for (let i = 3; i <= 12; i++) all.push(b.add(i));
    await tick();
    expect(r.groups).toEqual([[1], [2]]);
    r.release.shift()!();
    await tick();
    await tick();
    expect(r.groups[2]).toEqual([3, 4, 5, 6]);
    while (r.groups.flat().length < 12 || r.release.length > 0) {
      r.release.shift()?.();
      await tick();
      await tick();
    }
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(r.maxRunning).toBe(2);
    expect(Math.max(...r.groups.map((g) => g.length))).toBe(4);
  });

  it('fails every item of a group whose run fails, and goes on with the next group', async () => {
    let calls = 0;
    const b = new Batcher(
      async (items: number[]) => {
        calls += 1;
        if (calls === 1) throw new Error('commit failed');
        return items;
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const first = [b.add(1), b.add(2)].map((p) => p.then(String, (e: Error) => e.message));
    expect(await Promise.all(first)).toEqual(['commit failed', 'commit failed']);
    expect(await b.add(3)).toBe(3);
  });

  it('fails the group when the run answers a different number of items', async () => {
    const b = new Batcher(async (items: number[]) => items.slice(1), { maxBatch: 10, maxInFlight: 1 });
    await expect(Promise.all([b.add(1), b.add(2)])).rejects.toThrow(/1 answers for 2 items/);
  });
});
