/**
 * Soak: mixed journeys on two `mamori serve` instances on one PostgreSQL database for SOAK_SECONDS (default
 * 600), alternating between the instances. SOAK_CLIENTS (default 16) loops run journeys back to back, each
 * chosen at random with these weights:
 *
 * - 55 % a member read (`staff`, P04);
 * - 20 % a member search by kana prefix (`staff`, P04);
 * - 8 % a member update (`service`, P01, the note changed; no version, so concurrent edits do not conflict);
 * - 7 % an audit search for one member (`officer`; drains the audit queue first);
 * - 5 % on the member page (the demo member 9000001): file a disclosure request, then withdraw it;
 * - 5 % a member read followed by the member's audit trail page (`officer`).
 *
 * Every non-2xx answer or failed request is an error. The journeys start with a warm-up of SOAK_WARM_SECONDS
 * (default 60) that counts for errors but not for memory: the resident set size of each instance is sampled
 * every 5 s, and the growth is measured over the SOAK_SECONDS after the warm-up (without a warm-up, from
 * minute 1, or half-time in runs shorter than two minutes). A process under load grows its heap to a working
 * size in its first minutes; that is not what a soak looks for. The
 * officer signs in with the demo TOTP code (`mamori demo totp`); each user has one session, used on both instances.
 * Afterwards every 2xx read must have its `member.read` entry and `mamori audit verify` must pass.
 */

import { completeTotp, type Session, signIn, signInMember } from './http-client.ts';
import { percentile } from './member-db.ts';
import { auditedReads, startPgMamori } from './pg-mamori.ts';
import { pgbenchYardstick } from './pgbench.ts';
import { rssOf } from './server.ts';
import type { BenchResult } from './types.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const WARM = Number(process.env.SOAK_WARM_SECONDS ?? 60);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 16);
const DB = 'mamori_bench_soak';
const MAX_RSS_GROWTH = 0.1;
const KANA = ['ア', 'イ', 'カ', 'サ', 'タ', 'ナ', 'ハ', 'マ', 'ヤ', 'ワ', 'キム', 'サト', 'タナ', 'ヤマ', 'スズ'];

type Kind = 'read' | 'search' | 'update' | 'audit search' | 'member page request' | 'member audit trail';
const weights: [Kind, number][] = [
  ['read', 55],
  ['search', 20],
  ['update', 8],
  ['audit search', 7],
  ['member page request', 5],
  ['member audit trail', 5],
];

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export default async function run(): Promise<BenchResult[]> {
  const m = await startPgMamori(DB, 10_000);
  try {
    await m.addInstance();
    // One session per user, signed in on the first instance and used on both (sessions live in the database).
    const first = m.instances[0]!.base;
    const officer = await signIn(first, 'officer');
    await completeTotp(first, officer, await m.totp('officer'));
    const users = {
      staff: await signIn(first, 'staff'),
      service: await signIn(first, 'service'),
      officer,
      member: await signInMember(first),
    };
    const sessions = m.instances.map((i) => ({ base: i.base, ...users }));

    const stats = new Map<Kind, { n: number; ms: number[] }>(weights.map(([k]) => [k, { n: 0, ms: [] }]));
    let errors = 0;
    let reads = 0;
    const firstErrors: string[] = [];
    const fail = (what: string) => {
      errors++;
      if (firstErrors.length < 5) firstErrors.push(what);
    };
    const call = async (base: string, s: Session, method: string, path: string, body?: unknown) => {
      try {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: {
            cookie: s.cookie,
            accept: 'application/json',
            ...(body ? { 'content-type': 'application/json', 'x-csrf-token': s.csrf } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        const text = await res.text();
        if (!res.ok) {
          fail(`${method} ${path.split('?')[0]} → ${res.status} ${text.slice(0, 200)}`);
          return undefined;
        }
        return JSON.parse(text) as Record<string, unknown>;
      } catch (error) {
        fail(`${method} ${path.split('?')[0]} → ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    };

    let n = 0;
    let memberPage: Promise<void> = Promise.resolve();
    const pick = (): Kind => {
      let r = Math.random() * 100;
      for (const [k, w] of weights) {
        r -= w;
        if (r < 0) return k;
      }
      return 'read';
    };
    const member = () => m.ids[Math.floor(Math.random() * m.ids.length)]!;
    const read = async (s: (typeof sessions)[number], id: string) => {
      if (await call(s.base, s.staff, 'GET', `/api/v1/members/${id}?purpose=P04`)) reads++;
    };
    const journey = async (kind: Kind, s: (typeof sessions)[number]) => {
      switch (kind) {
        case 'read':
          return read(s, member());
        case 'search':
          return void (await call(
            s.base,
            s.staff,
            'GET',
            `/api/v1/members?purpose=P04&kana=${encodeURIComponent(KANA[n % KANA.length]!)}&limit=20`,
          ));
        case 'update':
          return void (await call(s.base, s.service, 'PATCH', `/api/v1/members/${member()}`, {
            purpose: 'P01',
            changes: { note: `soak ${n}` },
          }));
        case 'audit search':
          return void (await call(s.base, s.officer, 'GET', `/api/v1/audit?member=${member()}&limit=20`));
        case 'member page request': {
          // One person on the page: filings wait for each other (a second open disclosure would be refused).
          const previous = memberPage;
          let done = () => {};
          memberPage = new Promise<void>((res) => {
            done = res;
          });
          await previous;
          try {
            const filed = await call(s.base, s.member, 'POST', '/api/v1/portal/requests', { kind: 'disclosure' });
            if (filed)
              await call(s.base, s.member, 'POST', `/api/v1/portal/requests/${filed.id}/withdraw`, {
                version: filed.version,
                reason: 'soak',
              });
          } finally {
            done();
          }
          return;
        }
        case 'member audit trail': {
          const id = member();
          await read(s, id);
          return void (await call(s.base, s.officer, 'GET', `/api/v1/members/${id}/audit`));
        }
      }
    };

    const yardstick = await pgbenchYardstick();
    const began = performance.now();
    const end = began + (WARM + SECONDS) * 1000;
    const early = WARM > 0 ? WARM : Math.min(60, SECONDS / 2);
    const rss: { at: number; bytes: number[] }[] = [];
    const sampleRss = () => rss.push({ at: (performance.now() - began) / 1000, bytes: m.instances.map((i) => rssOf(i.child.pid!)) });
    sampleRss();
    const sampler = setInterval(sampleRss, 5000);
    const progress = setInterval(() => {
      const last = rss.at(-1)!;
      console.log(
        `  ${Math.round((performance.now() - began) / 1000)} s: ${fmt(n)} journeys, ${errors} errors, RSS ${last.bytes.map((b) => `${Math.round(b / 2 ** 20)} MB`).join(' / ')}`,
      );
    }, 30_000);
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        while (performance.now() < end) {
          const kind = pick();
          const s = sessions[(n + c) % sessions.length]!;
          n++;
          const t = performance.now();
          await journey(kind, s);
          const st = stats.get(kind)!;
          st.n++;
          st.ms.push(performance.now() - t);
        }
      }),
    );
    clearInterval(sampler);
    clearInterval(progress);
    sampleRss();
    const seconds = (performance.now() - began) / 1000;

    // RSS at the end of the warm-up (the sample nearest to it) against the last sample, per instance.
    const at = rss.reduce((best, r) => (Math.abs(r.at - early) < Math.abs(best.at - early) ? r : best));
    const last = rss.at(-1)!;
    const growth = last.bytes.map((b, i) => (b - at.bytes[i]!) / at.bytes[i]!);
    const worst = Math.max(...growth);
    const peak = Math.max(...rss.flatMap((r) => r.bytes));

    const lag = await m.waitForSequencer();
    const audited = await auditedReads(m, m.staffId);
    const verified = await m.stopAndVerify();
    const perKind = [...stats]
      .map(([k, st]) => {
        const sorted = st.ms.sort((a, b) => a - b);
        return `${k} ${fmt(st.n)} (p99 ${sorted.length ? percentile(sorted, 99).toFixed(0) : '–'} ms)`;
      })
      .join(', ');
    console.log(
      `  ${fmt(n)} journeys in ${seconds.toFixed(0)} s: ${perKind}; errors ${errors}${firstErrors.length ? `: ${firstErrors.join(' | ')}` : ''}`,
    );
    console.log(
      `  RSS at ${at.at.toFixed(0)} s ${at.bytes.map((b) => `${Math.round(b / 2 ** 20)} MB`).join(' / ')}, at the end ${last.bytes.map((b) => `${Math.round(b / 2 ** 20)} MB`).join(' / ')}; audit ${fmt(audited)} reads entries for ${fmt(reads)} reads, verify ${verified.ok ? 'ok' : 'FAILED'} (${fmt(verified.entries)} entries)`,
    );

    const run = `${fmt(n)} journeys in ${seconds.toFixed(0)} s (the first ${WARM} s a warm-up) on 2 instances, ${CLIENTS} clients (${(n / seconds).toFixed(0)}/s): ${perKind}; ${yardstick.note(n / seconds, 'journeys/s')}`;
    return [
      {
        name: `soak errors, ${Math.round(SECONDS / 60)} min mixed journeys`,
        target: '0',
        value: errors,
        unit: '',
        ok: errors === 0,
        notes: `${run}${firstErrors.length ? `; first: ${firstErrors.join(' | ')}` : ''}`,
      },
      {
        name: 'soak RSS growth (worse instance)',
        target: `≤ ${MAX_RSS_GROWTH * 100} %`,
        value: Math.round(worst * 1000) / 10,
        unit: '%',
        ok: worst <= MAX_RSS_GROWTH,
        notes: `from ${at.at.toFixed(0)} s (after the warm-up) to ${last.at.toFixed(0)} s: ${at.bytes.map((b, i) => `${Math.round(b / 2 ** 20)} → ${Math.round(last.bytes[i]! / 2 ** 20)} MB`).join(', ')}; peak ${Math.round(peak / 2 ** 20)} MB`,
      },
      {
        name: 'soak reads in the audit chain',
        target: '= reads completed, chain verifies',
        value: audited,
        unit: 'entries',
        ok: audited === reads && verified.ok,
        notes: `${fmt(reads)} reads answered; sequencer done ${lag.toFixed(1)} s after the end; \`mamori audit verify\` ${verified.ok ? 'ok' : 'FAILED'} over ${fmt(verified.entries)} entries`,
      },
    ];
  } finally {
    await m.close();
  }
}
