/**
 * The recipient's notice written beside the data file (`<file>.お読みください.txt`): in Japanese only (what goes to a
 * recipient is in one language), UTF-8 with a BOM and CRLF line ends so that Windows' Notepad shows it as written.
 * It names the file, its rows, size and SHA-256 (so that the recipient can check what arrived), the time in JST,
 * and then the lines of the caller's notice (for an anonymized release: that it is 匿名加工情報 and that
 * re-identification is forbidden).
 */

import {
  type DeliveryCharset,
  type DeliveryFormat,
  type DeliveryOriginKind,
  deliveryCharsetLabels,
  deliveryOriginKindLabels,
} from '../../contract/delivery-vocabulary.ts';
import { jstDateTime } from '../../db/time.ts';

export interface NoticeFacts {
  fileName: string;
  origin: { kind: DeliveryOriginKind; name: string };
  recipient: string;
  format: DeliveryFormat;
  charset: DeliveryCharset | null;
  rows: number;
  bytes: number;
  sha256: string;
  at: Date;
  lines: readonly string[];
}

export function noticeText(f: NoticeFacts): string {
  const format = f.format === 'csv' ? `CSV（${deliveryCharsetLabels[f.charset ?? 'utf-8'].ja}）` : 'Parquet（文字列は UTF-8）';
  const lines = [
    'お読みください',
    '',
    `ファイル名: ${f.fileName}`,
    `内容: ${f.origin.name}（${deliveryOriginKindLabels[f.origin.kind].ja}）`,
    `提供先: ${f.recipient}`,
    `形式: ${format}`,
    `件数: ${f.rows.toLocaleString('ja-JP')} 件`,
    `大きさ: ${f.bytes.toLocaleString('ja-JP')} バイト`,
    `SHA-256: ${f.sha256}`,
    `提供日時: ${jstDateTime(f.at.toISOString())}（日本時間）`,
    '',
    ...f.lines,
    '',
  ];
  return `\uFEFF${lines.join('\r\n')}`;
}
