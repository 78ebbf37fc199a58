/**
 * The disclosure package for one member among 1,000,000, with five years of activity: p95 of building it
 * (every query, then JSON) and of building it and rendering the Japanese PDF (targets: JSON ≤ 300 ms,
 * PDF ≤ 1 s).
 *
 * The ledger is a 1M-member database built as the search benchmark's is (bench/member-db.ts), on SQLite and,
 * when it is reachable, PostgreSQL (bench/pg.ts, `BENCH_DIALECTS`). One member then gets five years of
 * history through the real services' tables: 3,000 audit entries (reads, searches and changes by five roles
 * of two organizations for many purposes, appended to the hash chain with their own timestamps), 40 consent
 * changes, 12 requests and 24 provision records; and 300,000 audit entries of other members are appended
 * around them, so the member's entries are spread through a large trail as in life.
 * BENCH_DISCLOSURE_MEMBERS changes the ledger size; BENCH_KEEP=1 keeps the databases
 * (bench/tmp/disclosure/, `mamori_bench_disclosure_<N>`).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { AppContext } from '../src/base/context.ts';
import type { DialectName } from '../src/db/database.ts';
import type { ConsentEventTable, SubjectRequestTable } from '../src/db/schema.ts';
import { iso } from '../src/db/time.ts';
import { appendAuditBatch } from '../src/modules/audit/append.ts';
import type { AuditEvent } from '../src/modules/audit/events.ts';
import { loadKeyRing } from '../src/modules/crypto/data-keys.ts';
import { rng } from '../src/modules/demo/synthetic.ts';
import { buildPackage } from '../src/modules/disclosure/build.ts';
import { renderDisclosurePdf } from '../src/modules/disclosure/pdf.ts';
import { findStaffActor } from '../src/modules/members/actor.ts';
import { disposeMemberDb, memberDb, openMemberDb, percentile, prepareMemberDb } from './member-db.ts';
import { benchDialects } from './pg.ts';
import type { BenchResult } from './types.ts';

const TARGET_JSON_MS = 300;
const TARGET_PDF_MS = 1000;
const MEMBERS = Number(process.env.BENCH_DISCLOSURE_MEMBERS ?? 1_000_000);
const ACCESSES = 3000;
const OTHER_ENTRIES = 300_000;
const dir = join(import.meta.dirname, 'tmp', 'disclosure');
const keysFile = join(dir, 'keys.json');
const FIVE_YEARS_MS = 5 * 365 * 86_400_000;

/** Five years of activity around one member; returns the member's id. */
async function addActivity(ctx: AppContext): Promise<string> {
  const r = rng(7);
  const target = await ctx.db
    .selectFrom('members')
    .select(['id', 'org_id'])
    .where('member_code', '=', String(1_000_000 + Math.ceil(MEMBERS / 2)))
    .executeTakeFirst();
  if (!target) throw new Error('the middle member is missing');
  // A kept database (BENCH_KEEP=1) already has the activity.
  if (await ctx.db.selectFrom('subject_requests').select('id').where('reference', '=', 'R-BENCH-0').executeTakeFirst()) return target.id;
  const others = ctx.sqlite
    ? (ctx.sqlite.prepare('select id from members where rowid % 1009 = 0 limit 1000').pluck().all() as string[])
    : (
        await ctx.db
          .selectFrom('members')
          .select('id')
          .where(sql<number>`cast(member_code as integer) % 1009`, '=', 0)
          .orderBy('member_code')
          .limit(1000)
          .execute()
      ).map((r) => r.id);
  const actors = await Promise.all(['staff', 'service', 'manager', 'analyst', 'kyosai'].map((l) => findStaffActor(ctx.db, l)));
  const purposes = ['P01', 'P02', 'P03', 'P04', 'P06', 'P13', 'P14', 'P16'];
  const start = Date.now() - FIVE_YEARS_MS;
  const at = (i: number, n: number) => new Date(start + (FIVE_YEARS_MS * i) / n);

  // Interleave: every 100 other entries, one of the member's, each batch with its own time.
  const perMember = Math.floor(OTHER_ENTRIES / ACCESSES);
  for (let i = 0; i < ACCESSES; i++) {
    const actor = actors[Math.floor(r() * actors.length)]!;
    const when = at(i, ACCESSES);
    const memberEvent: AuditEvent = {
      action: r() < 0.9 ? 'member.read' : 'member.update',
      outcome: r() < 0.97 ? 'allowed' : 'refused',
      orgId: target.org_id,
      memberId: target.id,
      purpose: purposes[Math.floor(r() * purposes.length)]!,
      detail: { via: 'console' },
    } as AuditEvent;
    const noise: AuditEvent[] = Array.from({ length: perMember }, () => ({
      action: 'member.read',
      outcome: 'allowed',
      orgId: target.org_id,
      memberId: others[Math.floor(r() * others.length)]!,
      purpose: 'P04',
      detail: { items: ['name', 'address'], via: 'api' },
    }));
    await ctx.db.transaction().execute((tx) => appendAuditBatch(tx, actor, [...noise, memberEvent], () => when));
  }

  await ctx.db.transaction().execute(async (tx) => {
    const consents: ConsentEventTable[] = Array.from({ length: 40 }, (_, i) => ({
      id: crypto.randomUUID(),
      org_id: target.org_id,
      member_id: target.id,
      subject_kind: 'purpose',
      subject_code: i % 2 ? 'P02' : 'P16',
      state: i % 4 < 2 ? 'opted_out' : 'granted',
      source: (['page', 'paper', 'phone'] as const)[i % 3]!,
      actor_type: 'member',
      actor_id: target.id,
      guardian_member_id: null,
      guardian_name: null,
      policy_version: 1,
      request_id: null,
      note: null,
      created_at: iso(at(i, 40)),
    }));
    await tx.insertInto('consent_events').values(consents).execute();
    const requests: SubjectRequestTable[] = Array.from({ length: 12 }, (_, i) => ({
      id: crypto.randomUUID(),
      org_id: target.org_id,
      member_id: target.id,
      reference: `R-BENCH-${i}`,
      kind: (['disclosure', 'correction', 'cessation', 'provision_records'] as const)[i % 4]!,
      state: 'closed',
      channel: 'page',
      requester: 'self',
      agent_name: null,
      agent_relationship: null,
      agent_proof: null,
      identity_method: 'signed_in',
      identity_note: null,
      verified_at: iso(at(i, 12)),
      verified_by: null,
      detail: '{}',
      delivery_form: 'pdf',
      fee_yen: 0,
      fee_paid_at: null,
      received_at: iso(at(i, 12)),
      due_on: iso(at(i, 12)).slice(0, 10),
      reason: null,
      answer: '対応しました',
      answered_at: iso(at(i, 12)),
      closed_at: iso(at(i, 12)),
      reminded_on: null,
      filed_by_type: 'member',
      filed_by_id: target.id,
      assignee_id: null,
      version: 5,
      created_at: iso(at(i, 12)),
      updated_at: iso(at(i, 12)),
    }));
    await tx.insertInto('subject_requests').values(requests).execute();
    await tx
      .insertInto('provision_records')
      .values(
        Array.from({ length: 24 }, (_, i) => ({
          id: crypto.randomUUID(),
          org_id: target.org_id,
          member_id: target.id,
          direction: i % 3 ? ('provided' as const) : ('received' as const),
          third_party_code: 'with-consent',
          counterparty_name: '損害保険会社（合成データ）',
          counterparty_address: '東京都千代田区（架空）',
          counterparty_representative: '代表取締役（架空）',
          items: '["name","address","phone"]',
          legal_basis: 'consent',
          consent_event_id: null,
          acquisition: null,
          occurred_on: iso(at(i, 24)).slice(0, 10),
          keep_until: iso(at(i + 36, 24)).slice(0, 10),
          note: null,
          created_at: iso(at(i, 24)),
          created_by: null,
        })),
      )
      .execute();
  });
  return target.id;
}

export default async function run(): Promise<BenchResult[]> {
  mkdirSync(dir, { recursive: true });
  const keep = process.env.BENCH_KEEP === '1';
  const results: BenchResult[] = [];
  try {
    for (const dialect of await benchDialects()) results.push(...(await measure(dialect, keep)));
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

async function measure(dialect: DialectName, keep: boolean): Promise<BenchResult[]> {
  const target = memberDb(dialect, dir, 'disclosure', MEMBERS);
  try {
    const keys = loadKeyRing(keysFile);
    await prepareMemberDb(target, keys);
    const { ctx, close } = await openMemberDb(target, keys);
    try {
      const began = Date.now();
      const memberId = await addActivity(ctx);
      console.log(
        `  added five years of activity (${ACCESSES} + ${OTHER_ENTRIES.toLocaleString()} audit entries) in ${((Date.now() - began) / 1000).toFixed(0)} s`,
      );

      const json = async () => JSON.stringify(await buildPackage(ctx, memberId));
      const pdf = async () => renderDisclosurePdf(await buildPackage(ctx, memberId));
      for (let i = 0; i < 5; i++) await json();
      for (let i = 0; i < 2; i++) await pdf();
      const time = async (fn: () => Promise<unknown>, n: number) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) {
          const t = performance.now();
          await fn();
          out.push(performance.now() - t);
        }
        return out.sort((a, b) => a - b);
      };
      const jsonTimes = await time(json, 100);
      const pdfTimes = await time(pdf, 30);
      const pkg = await buildPackage(ctx, memberId);
      const bytes = JSON.stringify(pkg).length;
      const pdfBytes = (await renderDisclosurePdf(pkg)).length;
      const f = (n: number) => n.toFixed(1);
      const j95 = percentile(jsonTimes, 95);
      const p95 = percentile(pdfTimes, 95);
      console.log(
        `  ${dialect}: JSON p50 ${f(percentile(jsonTimes, 50))} ms p95 ${f(j95)} ms; PDF p50 ${f(percentile(pdfTimes, 50))} ms p95 ${f(p95)} ms`,
      );
      const trail = Number(
        (
          await ctx.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      const notes = `${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${(MEMBERS / 1e6).toLocaleString('en-US')}M members; the member has ${pkg.accesses.length} access entries among ${trail.toLocaleString()}, ${pkg.consent_history.length} consent events, ${pkg.requests.length} requests, ${pkg.provision_records.length} provision records`;
      const suffix = dialect === 'sqlite' ? '' : ' (PostgreSQL)';
      return [
        {
          name: `disclosure package p95, JSON${suffix}`,
          target: `≤ ${TARGET_JSON_MS} ms`,
          value: Math.round(j95 * 10) / 10,
          unit: 'ms',
          ok: j95 <= TARGET_JSON_MS,
          notes: `buildPackage + JSON.stringify (${Math.round(bytes / 1024)} KiB), 100 runs, p50 ${f(percentile(jsonTimes, 50))} ms; ${notes}`,
        },
        {
          name: `disclosure package p95, PDF${suffix}`,
          target: `≤ ${TARGET_PDF_MS} ms`,
          value: Math.round(p95 * 10) / 10,
          unit: 'ms',
          ok: p95 <= TARGET_PDF_MS,
          notes: `buildPackage + renderDisclosurePdf (${Math.round(pdfBytes / 1024)} KiB, Noto Sans CJK subset), 30 runs, p50 ${f(percentile(pdfTimes, 50))} ms`,
        },
      ];
    } finally {
      await close();
    }
  } finally {
    if (!keep) await disposeMemberDb(target);
  }
}
