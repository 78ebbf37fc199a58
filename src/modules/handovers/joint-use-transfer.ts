/**
 * A transfer to joint users (共同利用先への受け渡し): a joint use of the policy in effect, one of its purposes, and
 * the items the joint use declares for that purpose, of the people it covers (coverage.ts), within the joint
 * use's dates. The declared items are those of the joint use (`items`, or every item of the registers with
 * `items_all`), narrowed by its `purpose_items` for the purpose, and within the purpose's own items — what the
 * access engine lets a joint user see (access/decide.ts). Asking for any other item is refused, naming it.
 * A preview gives the counts; the file is CSV, recorded (`joint_use_transfers`) and audited with its SHA-256 in one
 * transaction before it is handed out.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { CsvCharset } from '../../base/table-export.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { MemberField } from '../../contract/member-fields.ts';
import { purposeCodeOf } from '../../contract/policy-vocabulary.ts';
import { iso, japanDate } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { PolicyDocument, PolicyJointUse, PolicyPurpose } from '../policy/document.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { forMembers } from '../policy/materialize.ts';
import { coveredMembers, noneLeftOut } from './coverage.ts';
import { heldInLedger, writeMemberFile } from './member-file.ts';
import { assertHandover } from './permissions.ts';
import type { TransferPreview } from './schemas.ts';

type TransferItem = TransferPreview['items'][number];

interface Resolved {
  doc: PolicyDocument;
  ju: PolicyJointUse;
  purpose: PolicyPurpose & { code: string };
  purposeId: string;
  startsOn: string;
  endsOn: string | null;
  declared: string[];
  chosen: string[];
  today: string;
}

/** The items a joint use declares for a purpose, in the registers' order. */
export function declaredItems(doc: PolicyDocument, ju: PolicyJointUse, purpose: PolicyPurpose): string[] {
  const registered = doc.items.map((i) => i.code);
  const shared = new Set(ju.items_all ? registered : ju.items);
  const narrower = ju.purpose_items.find((pi) => pi.purpose === purposeCodeOf(purpose));
  const narrowed = narrower ? new Set(narrower.items) : null;
  const ofPurpose = new Set(purpose.items);
  return registered.filter((c) => shared.has(c) && ofPurpose.has(c) && (!narrowed || narrowed.has(c)));
}

/** Whether the joint use declares the purpose (`purposes`, or every purpose with `purposes_all`). */
export const declaresPurpose = (ju: PolicyJointUse, purposeCode: string): boolean => ju.purposes_all || ju.purposes.includes(purposeCode);

async function resolve(
  ctx: AppContext,
  opts: { actor: StaffActor; jointUse: string; purpose: string; items?: readonly string[] | undefined },
): Promise<Resolved> {
  const orgId = opts.actor.orgId;
  const today = japanDate(ctx.clock());
  const policy = await policyInEffect(ctx.db, orgId);
  if (!policy) throw new AppError('policy_not_published');
  const doc = policy.document;
  const ju = doc.joint_uses.find((j) => j.code === opts.jointUse);
  if (!ju) throw new AppError('joint_use_unknown');
  const purpose = doc.purposes.find((p) => purposeCodeOf(p) === opts.purpose);
  if (!purpose) throw new AppError('purpose_unknown');
  if (!declaresPurpose(ju, opts.purpose)) throw new AppError('joint_use_purpose_not_declared');
  if (!forMembers(doc, purpose)) throw new AppError('purpose_not_for_members');
  // The dates as the registers hold them (a joint use without `starts_on` runs from its version's effective date).
  const group = await ctx.db
    .selectFrom('joint_use_groups')
    .select(['starts_on', 'ends_on'])
    .where('owner_org_id', '=', orgId)
    .where('code', '=', ju.code)
    .executeTakeFirst();
  const startsOn = group?.starts_on ?? ju.starts_on ?? today;
  const endsOn = group?.ends_on ?? ju.ends_on ?? null;
  if (today < startsOn) throw new AppError('joint_use_not_effective');
  if (endsOn !== null && endsOn < today) throw new AppError('joint_use_ended');
  const row = await ctx.db
    .selectFrom('purposes')
    .select('id')
    .where('org_id', '=', orgId)
    .where('code', '=', opts.purpose)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!row) throw new AppError('purpose_unknown');
  const declared = declaredItems(doc, ju, purpose);
  const names = new Map(doc.items.map((i) => [i.code, i.name]));
  if (opts.items) {
    const issues: FieldIssue[] = [...new Set(opts.items)]
      .filter((c) => !declared.includes(c))
      .map((c) => ({
        field: 'items',
        code: 'item_not_declared',
        message_ja: `「${names.get(c) ?? c}」（${c}）は、共同利用「${ju.name}」がこの利用目的で定める項目ではありません。`,
        message_en: `“${c}” is not an item the joint use “${ju.name_en ?? ju.name}” declares for this purpose.`,
      }));
    if (issues.length) throw new AppError('joint_use_item_not_declared', issues);
  }
  const chosen = opts.items ? declared.filter((c) => opts.items!.includes(c)) : declared;
  return { doc, ju, purpose: { ...purpose, code: opts.purpose }, purposeId: row.id, startsOn, endsOn, declared, chosen, today };
}

const itemsOf = (doc: PolicyDocument, codes: readonly string[]): TransferItem[] => {
  const names = new Map(doc.items.map((i) => [i.code, i.name]));
  return codes.map((code) => ({ code, name: names.get(code) ?? code, in_file: heldInLedger(code) }));
};

/** The counts of a transfer before it is made: who is covered, who is left out and why, which items go. */
export async function previewTransfer(
  ctx: AppContext,
  opts: { actor: StaffActor; jointUse: string; purpose: string; items?: readonly string[] | undefined },
): Promise<TransferPreview> {
  assertHandover(opts.actor, 'read');
  const r = await resolve(ctx, opts);
  const leftOut = noneLeftOut();
  const withdrawn = { covered: 0 };
  let covered = 0;
  for await (const page of coveredMembers(ctx.db, {
    orgId: opts.actor.orgId,
    purposeId: r.purposeId,
    optIn: r.purpose.consent === 'opt_in',
    today: r.today,
    leftOut,
    withdrawn,
  }))
    covered += page.length;
  return {
    today: r.today,
    joint_use: { code: r.ju.code, name: r.ju.name, users: r.ju.users.map((u) => u.name), starts_on: r.startsOn, ends_on: r.endsOn },
    purpose: { code: r.purpose.code, number: r.purpose.number, name: r.purpose.name },
    declared: itemsOf(r.doc, r.declared),
    items: itemsOf(r.doc, r.chosen),
    covered,
    withdrawn_covered: withdrawn.covered,
    left_out: leftOut,
  };
}

export interface TransferFile {
  fileName: { ja: string; ascii: string };
  body: Buffer;
  rows: number;
  sha256: string;
}

/** The transfer's file (CSV), audited before it is returned. */
export async function makeTransferFile(
  ctx: AppContext,
  opts: {
    actor: StaffActor;
    jointUse: string;
    purpose: string;
    items?: readonly string[] | undefined;
    charset: CsvCharset;
    via?: string;
  },
): Promise<TransferFile> {
  assertHandover(opts.actor, 'handle');
  const r = await resolve(ctx, opts);
  const held = r.chosen.filter(heldInLedger) as MemberField[];
  if (held.length === 0) throw new AppError('transfer_no_items');
  const leftOut = noneLeftOut();
  const file = await writeMemberFile({
    doc: r.doc,
    items: held,
    rows: coveredMembers(ctx.db, {
      orgId: opts.actor.orgId,
      purposeId: r.purposeId,
      optIn: r.purpose.consent === 'opt_in',
      today: r.today,
      leftOut,
    }),
    charset: opts.charset,
    keys: ctx.keys,
  });
  const id = randomUUID();
  const left = Object.fromEntries(Object.entries(leftOut).filter(([, n]) => n > 0));
  await ctx.db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select('display_name').where('id', '=', opts.actor.id).executeTakeFirst();
    await tx
      .insertInto('joint_use_transfers')
      .values({
        id,
        org_id: opts.actor.orgId,
        joint_use_code: r.ju.code,
        purpose_code: r.purpose.code,
        items: JSON.stringify(held),
        record_count: file.rows,
        left_out: JSON.stringify(left),
        charset: opts.charset,
        file_sha256: file.sha256,
        made_by: opts.actor.id,
        made_by_name: user?.display_name ?? opts.actor.login,
        created_at: iso(ctx.clock()),
      })
      .execute();
    await appendAudit(
      tx,
      opts.actor,
      {
        action: 'joint_use.transfer',
        outcome: 'ok',
        orgId: opts.actor.orgId,
        purpose: r.purpose.code,
        detail: {
          joint_use: r.ju.code,
          transfer_id: id,
          purposes: r.purpose.code,
          items: held,
          rows: file.rows,
          left_out: left,
          charset: opts.charset,
          sha256: file.sha256,
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
  });
  const day = r.today;
  return {
    fileName: { ja: `共同利用_${r.ju.code}_${r.purpose.code}_${day}.csv`, ascii: `joint-use-${r.ju.code}-${r.purpose.code}-${day}.csv` },
    ...file,
  };
}
