/**
 * Lint of the connected systems' dataset map (`systems:`): a map that a request could not walk, or that would
 * erase something without saying how, is refused before publishing; a system abroad must be stated where the
 * notice lists the countries data is stored in (安全管理措置 — 外的環境の把握, Art. 23 and the PPC guideline 10-7).
 */

import { purposeCodeOf } from '../../contract/policy-vocabulary.ts';
import type { PolicyDocument } from './document.ts';
import { eraseTables } from './erase-rule.ts';

type Report = (code: string, path: string, ja: string, en: string) => void;

/** The country's name in Japanese (`US` → アメリカ合衆国), as the notice would state it. */
export function countryNameJa(code: string): string {
  try {
    return new Intl.DisplayNames(['ja'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

const MY_NUMBER_ITEM = /マイナンバー|個人番号|my[\s_-]?number/i;

export function lintSystems(
  doc: PolicyDocument,
  opts: { knownAssetCodes?: ReadonlySet<string>; knownSystemCodes?: ReadonlySet<string> },
  error: Report,
  warning: Report,
): void {
  const items = new Map(doc.items.map((i) => [i.code, i]));
  const purposeCodes = new Set(doc.purposes.map(purposeCodeOf));
  const seenSystems = new Set<string>();
  doc.systems.forEach((system, s) => {
    const at = `systems[${s}]`;
    if (seenSystems.has(system.code)) {
      error(
        'code_duplicate',
        `${at}.code`,
        `コード「${system.code}」が重複しています。`,
        `Code “${system.code}” is used twice in systems.`,
      );
    }
    seenSystems.add(system.code);
    if (system.tables.length === 0) {
      warning(
        'system_map_empty',
        `${at}.tables`,
        `連携システム「${system.name}」のデータマップにテーブルがありません。請求はこのシステムに届きません。`,
        `Connected system “${system.name}” maps no tables: requests will not reach it.`,
      );
    }
    if (opts.knownSystemCodes && !opts.knownSystemCodes.has(system.code)) {
      warning(
        'system_not_registered',
        `${at}.code`,
        `連携システム「${system.name}」（${system.code}）の接続先が登録されていません。登録するまで、請求はこのシステムに届きません。`,
        `Connected system “${system.name}” (${system.code}) has no registered connection: requests cannot reach it until it is registered.`,
      );
    }
    system.ledger_assets.forEach((code, k) => {
      if (opts.knownAssetCodes && !opts.knownAssetCodes.has(code)) {
        warning(
          'system_asset_unknown',
          `${at}.ledger_assets[${k}]`,
          `連携システム「${system.name}」の台帳の資産「${code}」は、個人情報管理台帳にありません。`,
          `Connected system “${system.name}” names ledger asset “${code}”, which is not in the ledger.`,
        );
      }
    });
    const tables = new Map(system.tables.map((t) => [t.table, t]));
    if (tables.size !== system.tables.length) {
      const seen = new Set<string>();
      system.tables.forEach((t, i) => {
        if (seen.has(t.table)) {
          error(
            'system_table_duplicate',
            `${at}.tables[${i}].table`,
            `連携システム「${system.name}」でテーブル「${t.table}」が二度記載されています。`,
            `Table “${t.table}” is mapped twice in “${system.name}”.`,
          );
        }
        seen.add(t.table);
      });
    }
    system.tables.forEach((t, i) => {
      const tp = `${at}.tables[${i}]`;
      if (!t.link && !t.via) {
        error(
          'system_table_unlinked',
          tp,
          `テーブル「${t.table}」（${system.name}）が本人とどう結び付くか（本人の識別子の列、または他のテーブル経由）が記載されていません。`,
          `Table “${t.table}” (${system.name}) says neither how it links to the person nor through which table it is reached.`,
        );
      }
      if (t.link && t.via) {
        error(
          'system_table_link_ambiguous',
          tp,
          `テーブル「${t.table}」（${system.name}）に本人の識別子の列と経由するテーブルの両方が記載されています。どちらか一方にしてください。`,
          `Table “${t.table}” (${system.name}) has both a link and a via: keep one.`,
        );
      }
      if (t.via && !tables.has(t.via.table)) {
        error(
          'system_via_unknown',
          `${tp}.via.table`,
          `テーブル「${t.table}」の経由先「${t.via.table}」は、連携システム「${system.name}」のデータマップにありません。`,
          `Table “${t.table}” is reached through “${t.via.table}”, which “${system.name}” does not map.`,
        );
      }
      if (t.via && reachesItself(t.table, tables)) {
        error(
          'system_via_cycle',
          `${tp}.via`,
          `テーブル「${t.table}」（${system.name}）の経由が循環していて、本人の行にたどり着きません。`,
          `Table “${t.table}” (${system.name}) is reached through a cycle that never reaches the person.`,
        );
      }
      t.purposes.forEach((code, k) => {
        if (!purposeCodes.has(code)) {
          error(
            'system_purpose_unknown',
            `${tp}.purposes[${k}]`,
            `テーブル「${t.table}」の利用目的「${code}」は利用目的の一覧にありません。`,
            `Table “${t.table}” names purpose “${code}”, which is not in the purposes.`,
          );
        }
      });
      const columns = new Set<string>();
      t.columns.forEach((c, k) => {
        const cp = `${tp}.columns[${k}]`;
        if (columns.has(c.column)) {
          error(
            'system_column_duplicate',
            `${cp}.column`,
            `テーブル「${t.table}」の列「${c.column}」が二度記載されています。`,
            `Column “${c.column}” of “${t.table}” is mapped twice.`,
          );
        }
        columns.add(c.column);
        const item = items.get(c.item);
        if (!item) {
          error(
            'system_item_unknown',
            `${cp}.item`,
            `列「${t.table}.${c.column}」の情報項目「${c.item}」は情報項目の一覧にありません。`,
            `Column “${t.table}.${c.column}” holds item “${c.item}”, which is not in the items.`,
          );
        } else if (MY_NUMBER_ITEM.test(`${item.code} ${item.name}`)) {
          warning(
            'system_my_number',
            `${cp}.item`,
            `列「${t.table}.${c.column}」（${system.name}）は個人番号を保有しています。番号法の特定個人情報として、利用目的と安全管理措置を確認してください。`,
            `Column “${t.table}.${c.column}” (${system.name}) holds My Numbers: check its purposes and safeguards under the My Number Act.`,
          );
        }
        if (c.erase === 'keep' && !c.keep_rule) {
          error(
            'system_keep_rule_missing',
            `${cp}.keep_rule`,
            `列「${t.table}.${c.column}」は削除の請求でも保存するとされていますが、保存の根拠（法令と期間）が記載されていません。`,
            `Column “${t.table}.${c.column}” is kept on erasure, but the rule requiring it (law and period) is missing.`,
          );
        }
      });
    });

    // A deletion the law's retention holds back (erase-rule.ts): said before a request finds it out.
    const { retained } = eraseTables(system, () => true);
    system.tables.forEach((t, i) => {
      if (retained.has(t.table) && t.columns.some((c) => c.erase === 'delete_row')) {
        warning(
          'system_delete_held',
          `systems[${s}].tables[${i}]`,
          `テーブル「${t.table}」（${system.name}）は削除の請求で行を削除するとされていますが、このテーブルまたはこれを経由するテーブルに法令により保存する列があるため、行は削除されず、削除とされた列の値だけが消去されます。`,
          `Table “${t.table}” (${system.name}) deletes its rows on erasure, but it or a table reached through it keeps a column by law: its rows stay and only the values of its delete_row columns are erased.`,
        );
      }
    });

    // A system abroad: the countries data is stored in are stated on the notice, with their regimes.
    if (system.country !== 'JP') {
      const name = countryNameJa(system.country);
      const stated = (doc.safety_measures?.storage ?? []).some((x) => x.country === name || x.country.toUpperCase() === system.country);
      if (!stated) {
        error(
          'system_country_unstated',
          `${at}.country`,
          `連携システム「${system.name}」のデータは${name}で保管されていますが、安全管理措置の「個人データを保管している国」に${name}が記載されていません。`,
          `Connected system “${system.name}” stores data in ${system.country}, which the safety measures’ list of storage countries does not state.`,
        );
      }
    }
  });
}

/** True when following `via` from `table` runs into a cycle (it never reaches a table linked to the person). */
function reachesItself(table: string, tables: ReadonlyMap<string, { via?: { table: string } | undefined }>): boolean {
  const seen = new Set<string>([table]);
  let next = tables.get(table)?.via?.table;
  while (next !== undefined) {
    if (seen.has(next)) return true;
    seen.add(next);
    next = tables.get(next)?.via?.table;
  }
  return false;
}
