/**
 * Discovery on a fixture ordering system (a SQLite file with known columns, synthetic data): the proposals are
 * measured against the truth — precision and recall are printed — and must find every personal-data column the
 * fixture hides, including a My Number column under a neutral name, without proposing order numbers, JAN codes,
 * order dates, amounts or product names; and no proposal carries a value.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '../../../test/support/db.ts';
import { syntheticMember } from '../demo/synthetic.ts';
import { myNumberCheckDigit } from '../my-number/detect.ts';
import type { ConnectionSettings } from './connector.ts';
import { type DiscoveryKind, proposeForColumn, proposeMap } from './detect.ts';
import { openConnector } from './kinds.ts';

/** The fixture's columns that hold personal data, and what they hold. */
const truth: Record<string, DiscoveryKind> = {
  'kaiin.kaiin_cd': 'member_code',
  'kaiin.shimei': 'name',
  'kaiin.shimei_kana': 'name_kana',
  'kaiin.tel_no': 'phone',
  'kaiin.contact': 'email',
  'kaiin.yubin_no': 'postal_code',
  'kaiin.jusho1': 'address',
  'kaiin.seinengappi': 'birth_date',
  'kaiin.koza_no': 'bank_account',
  'kaiin.ref_no': 'my_number',
  'chumon.kaiin_cd': 'member_code',
  'haisou.todoke_jusho': 'address',
  'haisou.todoke_tel': 'phone',
};

function myNumber(i: number): string {
  const first11 = String(31_415_926_535 + i * 7919)
    .padStart(11, '0')
    .slice(0, 11);
  return `${first11}${myNumberCheckDigit(first11)}`;
}

function jan(i: number): string {
  return `45${String(10_000_000_000 + i * 37).slice(0, 11)}`;
}

/** The samples discovery reads, through the system's connector (read-only). */
async function sampleOf(kind: 'sqlite' | 'postgres', settings: ConnectionSettings) {
  const connector = await openConnector(kind, settings, { code: 'discovery' });
  try {
    return await connector.sample();
  } finally {
    await connector.close();
  }
}

describe('discovery of personal data in a connected database', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mamori-discovery-'));
    file = join(dir, 'ordering.db');
    const db = new BetterSqlite3(file);
    db.exec(`create table kaiin (kaiin_cd text primary key, shimei text, shimei_kana text, tel_no text, contact text, yubin_no text,
      jusho1 text, seinengappi text, koza_no text, ref_no text, haisou_kubun text, biko text, toroku_bi text);
      create table chumon (chumon_no integer primary key, kaiin_cd text references kaiin, chumon_bi text, kingaku integer, shohin_mei text, jan text);
      create table haisou (haisou_id integer primary key, chumon_no integer references chumon, todoke_jusho text, todoke_tel text, jikantai text);`);
    const kaiin = db.prepare('insert into kaiin values (?,?,?,?,?,?,?,?,?,?,?,?,?)');
    const chumon = db.prepare('insert into chumon values (?,?,?,?,?,?)');
    const haisou = db.prepare('insert into haisou values (?,?,?,?,?)');
    const products = ['有機にんじん 500g', '産直たまご 10個', '国産大豆の豆腐', '低温殺菌牛乳 1L', '減農薬りんご 3個'];
    db.transaction(() => {
      for (let i = 0; i < 300; i++) {
        const m = syntheticMember(i, 13);
        kaiin.run(
          m.member_code,
          m.name,
          m.name_kana,
          m.phone,
          `kaiin${i}@example.jp`,
          m.postal_code,
          m.address,
          m.birth_date,
          String(1_000_000 + ((i * 7_654_321) % 8_999_999)),
          myNumber(i),
          i % 3 === 0 ? '班配達' : '個人宅配',
          i % 10 === 0 ? '置き配希望' : null,
          m.join_date,
        );
        for (let k = 0; k < 3; k++) {
          const no = i * 3 + k + 1;
          chumon.run(
            no,
            m.member_code,
            `2025-${String(1 + ((i + k) % 12)).padStart(2, '0')}-${String(1 + ((k * 9) % 28)).padStart(2, '0')}`,
            300 + ((no * 97) % 4000),
            products[no % 5],
            jan(no),
          );
          haisou.run(no, no, m.address, m.phone, ['午前', '14-16時', '16-18時'][k]);
        }
      }
    })();
    db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds every personal-data column and nothing else, printing its precision and recall', async () => {
    const proposals = proposeMap(await sampleOf('sqlite', { file }));
    const found = new Map(proposals.map((p) => [`${p.table}.${p.column}`, p.kind]));
    const truePositives = [...found].filter(([key, kind]) => truth[key] === kind).length;
    const precision = truePositives / found.size;
    const recall = truePositives / Object.keys(truth).length;
    console.info(
      `discovery on the fixture ordering system: ${found.size} proposals, precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)}`,
    );
    const wrong = [...found].filter(([key, kind]) => truth[key] !== kind);
    const missed = Object.entries(truth).filter(([key, kind]) => found.get(key) !== kind);
    expect({ wrong, missed }).toEqual({ wrong: [], missed: [] });
    expect(precision).toBe(1);
    expect(recall).toBe(1);
  });

  it('reports a My Number column under any name, with no value in the proposal', async () => {
    const proposals = proposeMap(await sampleOf('sqlite', { file }));
    const mine = proposals.find((p) => p.kind === 'my_number');
    expect(mine).toMatchObject({ table: 'kaiin', column: 'ref_no' });
    expect(mine!.confidence).toBeGreaterThanOrEqual(0.9);
    const text = JSON.stringify(proposals);
    for (let i = 0; i < 300; i++) expect(text).not.toContain(myNumber(i));
    // Twelve digits without the check digit (an order reference) are not My Numbers.
    const notMine = proposeForColumn({
      table: 't',
      column: 'ref',
      type: 'text',
      values: Array.from({ length: 50 }, (_, i) => `${myNumber(i).slice(0, 11)}${(Number(myNumber(i)[11]) + 1) % 10}`),
    });
    expect(notMine?.kind).not.toBe('my_number');
  });

  it('lets the name decide where values look alike, and the values where the name says little', () => {
    const codes = Array.from({ length: 50 }, (_, i) => String(1_000_000 + i));
    expect(proposeForColumn({ table: 't', column: 'order_no', type: 'text', values: codes })).toBeNull();
    expect(proposeForColumn({ table: 't', column: 'memberCode', type: 'text', values: codes })?.kind).toBe('member_code');
    const mails = Array.from({ length: 50 }, (_, i) => `x${i}@example.jp`);
    expect(proposeForColumn({ table: 't', column: 'c7', type: 'text', values: mails })?.kind).toBe('email');
    // A column named like a phone but full of order numbers is not proposed as a phone.
    expect(proposeForColumn({ table: 't', column: 'tel', type: 'text', values: codes.map((c) => `A-${c}`) })).toBeNull();
    // A category of a few repeated words is not a name, whatever its shape.
    const kinds = Array.from({ length: 60 }, (_, i) => ['班配達', '個人宅配', '店舗'][i % 3]!);
    expect(proposeForColumn({ table: 't', column: 'shimei', type: 'text', values: kinds })).toBeNull();
    // An empty column is proposed by its name only, weakly.
    expect(proposeForColumn({ table: 't', column: 'seinengappi', type: 'date', values: [] })).toMatchObject({
      kind: 'birth_date',
      confidence: 0.5,
    });
  });

  // The same system on PostgreSQL (a database of its own, typed columns): the same proposals, read read-only.
  if (postgresUrl()) {
    it('proposes the same map for the system on PostgreSQL', async () => {
      const name = `mamori_t_discovery_${randomBytes(5).toString('hex')}`;
      const admin = async (q: string) => {
        const c = new pg.Client({ connectionString: postgresUrl()! });
        await c.connect();
        try {
          await c.query(q);
        } finally {
          await c.end();
        }
      };
      await admin(`create database ${name}`);
      try {
        const u = new URL(postgresUrl()!);
        u.pathname = `/${name}`;
        const client = new pg.Client({ connectionString: u.toString() });
        await client.connect();
        const source = new BetterSqlite3(file, { readonly: true });
        try {
          await client.query(`create table kaiin (kaiin_cd text primary key, shimei text, shimei_kana text, tel_no text, contact text,
            yubin_no text, jusho1 text, seinengappi date, koza_no text, ref_no text, haisou_kubun text, biko text, toroku_bi date);
            create table chumon (chumon_no integer primary key, kaiin_cd text references kaiin, chumon_bi date, kingaku integer, shohin_mei text, jan text);
            create table haisou (haisou_id integer primary key, chumon_no integer references chumon, todoke_jusho text, todoke_tel text, jikantai text);`);
          for (const table of ['kaiin', 'chumon', 'haisou']) {
            const rows = source.prepare(`select * from ${table}`).raw().all() as unknown[][];
            const width = rows[0]!.length;
            for (let i = 0; i < rows.length; i += 200) {
              const chunk = rows.slice(i, i + 200);
              const tuples = chunk.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(',')})`);
              await client.query(`insert into ${table} values ${tuples.join(',')}`, chunk.flat());
            }
          }
        } finally {
          source.close();
          await client.end();
        }
        const proposals = proposeMap(await sampleOf('postgres', { url: u.toString() }));
        expect(Object.fromEntries(proposals.map((p) => [`${p.table}.${p.column}`, p.kind]))).toEqual(truth);
        expect(JSON.stringify(proposals)).not.toContain(myNumber(0));
      } finally {
        await admin(`drop database if exists ${name} with (force)`);
      }
    });
  }
});
