/**
 * The words of deliveries (issue 14 §5), shared by the server and the console: the kinds of delivery target, the
 * file formats and character sets, and the states of a target and of a delivery, each with its Japanese and
 * English label. Kept free of dependencies so that the console's bundle can take them.
 */

type Labelled = { ja: string; en: string };

/** Where a delivery goes: a folder on mamori's machine (an allowed one), or an SFTP server. */
export const deliveryTargetKinds = ['folder', 'sftp'] as const;
export type DeliveryTargetKind = (typeof deliveryTargetKinds)[number];
export const deliveryTargetKindLabels: Record<DeliveryTargetKind, Labelled> = {
  folder: { ja: 'フォルダ', en: 'Folder' },
  sftp: { ja: 'SFTP サーバー', en: 'SFTP server' },
};

export const deliveryFormats = ['csv', 'parquet'] as const;
export type DeliveryFormat = (typeof deliveryFormats)[number];
export const deliveryFormatLabels: Record<DeliveryFormat, Labelled> = {
  csv: { ja: 'CSV', en: 'CSV' },
  parquet: { ja: 'Parquet', en: 'Parquet' },
};

export const deliveryCharsets = ['utf-8', 'shift_jis'] as const;
export type DeliveryCharset = (typeof deliveryCharsets)[number];
export const deliveryCharsetLabels: Record<DeliveryCharset, Labelled> = {
  'utf-8': { ja: 'UTF-8（BOM 付き）', en: 'UTF-8 (with BOM)' },
  shift_jis: { ja: 'Shift_JIS（Windows-31J）', en: 'Shift_JIS (Windows-31J)' },
};

export const deliveryTargetStatuses = ['unchecked', 'ok', 'failing'] as const;
export type DeliveryTargetStatus = (typeof deliveryTargetStatuses)[number];
export const deliveryTargetStatusLabels: Record<DeliveryTargetStatus, Labelled> = {
  unchecked: { ja: '未確認', en: 'Not checked' },
  ok: { ja: '接続可', en: 'OK' },
  failing: { ja: '接続不可', en: 'Failing' },
};

export const deliveryStatuses = ['ok', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
export const deliveryStatusLabels: Record<DeliveryStatus, Labelled> = {
  ok: { ja: '送付済み', en: 'Delivered' },
  failed: { ja: '失敗', en: 'Failed' },
};

/** What a delivery came from. */
export const deliveryOriginKinds = ['anonymized_release'] as const;
export type DeliveryOriginKind = (typeof deliveryOriginKinds)[number];
export const deliveryOriginKindLabels: Record<DeliveryOriginKind, Labelled> = {
  anonymized_release: { ja: '匿名加工情報', en: 'Anonymized release' },
};
