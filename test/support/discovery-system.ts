/**
 * A connected system for discovery tests and the journey: a SQLite ordering system with known personal-data
 * columns (synthetic values; the My Numbers are generated with valid check digits by the My Number rule), and
 * its row in the systems register (settings encrypted with the context's key ring).
 */
import BetterSqlite3 from 'better-sqlite3';
import { syntheticMember } from '../../src/modules/demo/synthetic.ts';
import { myNumberCheckDigit } from '../../src/modules/my-number/detect.ts';

/** A synthetic 12-digit number with a valid check digit. */
export function syntheticMyNumber(i: number): string {
  const first11 = String(27_182_818_284 + i * 7919)
    .padStart(11, '0')
    .slice(0, 11);
  return `${first11}${myNumberCheckDigit(first11)}`;
}

/**
 * The ordering system: `kaiin` (member code, name, phone, e-mail, a My Number under the neutral name `ref_no`,
 * delivery kind) and `chumon` (orders: number, member code, date, amount, product).
 */
export function writeOrderingSystem(file: string, rows = 120): void {
  const db = new BetterSqlite3(file);
  try {
    db.exec(`create table kaiin (kaiin_cd text primary key, shimei text, tel_no text, contact text, ref_no text, haisou_kubun text);
      create table chumon (chumon_no integer primary key, kaiin_cd text references kaiin, chumon_bi text, kingaku integer, shohin_mei text);`);
    const kaiin = db.prepare('insert into kaiin values (?,?,?,?,?,?)');
    const chumon = db.prepare('insert into chumon values (?,?,?,?,?)');
    const products = ['有機にんじん 500g', '産直たまご 10個', '国産大豆の豆腐', '低温殺菌牛乳 1L'];
    db.transaction(() => {
      for (let i = 0; i < rows; i++) {
        const code = String(3_000_001 + i);
        kaiin.run(
          code,
          syntheticMember(i, 17).name,
          `090-${String(1000 + ((i * 37) % 9000)).padStart(4, '0')}-${String(2000 + i).padStart(4, '0')}`,
          `kaiin${i}@example.jp`,
          syntheticMyNumber(i),
          i % 3 === 0 ? '班配達' : '個人宅配',
        );
        chumon.run(i + 1, code, `2026-0${1 + (i % 9)}-1${i % 10}`, 1000 + i * 13, products[i % 4]);
      }
    })();
  } finally {
    db.close();
  }
}
