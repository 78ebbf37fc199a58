/**
 * One record of third-party provision (APPI Art. 29) or receipt (Art. 30) for one person, entered by staff
 * (the API and the member screen's form); runs over many people are run-provision's preview and confirm.
 * Kept 3 years, or 1 year where a contract stands in (base/rules.ts).
 * Providing to a recipient of the policy's third-party register follows the register's legal basis: with
 * `consent`, only when the person has consented and has not had provision to it stopped on request.
 * The person sees these records on their page and in the disclosure package (Art. 33(5)).
 */
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { provisionKeepUntil } from '../../base/rules.ts';
import type { ProvisionRecordTable, ProvisionRetention } from '../../db/schema.ts';
import { iso, japanDate } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { LegalBasis } from '../policy/document.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { foreignInformationOnRecord, foreignInformationShown, isForeign } from './legal-basis.ts';

export interface ProvisionInput {
  memberId: string;
  direction: 'provided' | 'received';
  /** A recipient of the third-party register; or a counterparty named here (receipts, one-off cases). */
  thirdPartyCode?: string;
  counterparty?: { name: string; address?: string; representative?: string };
  items: string[];
  legalBasis?: string;
  /** Receipts: how the provider obtained the data (取得の経緯). */
  acquisition?: string;
  occurredOn?: string;
  note?: string;
  /** `contract`: a contract with the counterparty stands in for the record (kept 1 year instead of 3). */
  retention?: ProvisionRetention;
}

export async function recordProvision(
  ctx: AppContext,
  actor: StaffActor,
  input: ProvisionInput,
): Promise<Insertable<ProvisionRecordTable>> {
  const now = ctx.clock();
  // A refusal commits its audit entry and nothing else, then is raised.
  const outcome = await ctx.db
    .transaction()
    .execute(async (tx): Promise<{ record: Insertable<ProvisionRecordTable> } | { refused: AppError }> => {
      const member = await tx.selectFrom('members').select(['id', 'org_id']).where('id', '=', input.memberId).executeTakeFirst();
      if (!member || member.org_id !== actor.orgId) throw new AppError('member_not_found');
      const items = await tx.selectFrom('data_items').select('code').where('org_id', '=', member.org_id).execute();
      const unknownItems = input.items.filter((i) => !items.some((r) => r.code === i));
      if (unknownItems.length || input.items.length === 0) {
        throw new AppError(
          'validation_failed',
          (unknownItems.length ? unknownItems : ['']).map((i) => ({
            field: 'items',
            code: i ? 'unknown' : 'required',
            message_ja: i ? `登録されていない情報項目です: ${i}` : '提供した項目を指定してください。',
            message_en: i ? `Unknown item: ${i}` : 'Name the items provided.',
          })),
        );
      }
      const policy = await policyInEffect(tx, member.org_id);
      const party = input.thirdPartyCode ? policy?.document.third_parties.find((t) => t.code === input.thirdPartyCode) : undefined;
      if (input.thirdPartyCode && !party) throw new AppError('third_party_unknown');
      const counterparty =
        input.counterparty ?? (party ? { name: party.name, address: party.address, representative: party.representative } : undefined);
      if (!counterparty?.name) {
        throw new AppError('validation_failed', [
          {
            field: 'counterparty.name',
            code: 'required',
            message_ja: '提供先・提供元の名称を入力してください。',
            message_en: 'Name the counterparty.',
          },
        ]);
      }
      // A receipt has no basis of ours to record (Art. 30 asks how the provider obtained the data): 'receipt', as the
      // bulk receipts store it.
      const legalBasis = input.direction === 'received' ? 'receipt' : (party?.legal_basis ?? input.legalBasis ?? 'consent');
      const refuse = async (
        code:
          | 'provision_foreign_info_missing'
          | 'provision_consent_before_foreign_info'
          | 'provision_stopped'
          | 'provision_consent_missing',
      ) => {
        await appendAudit(
          tx,
          actor,
          {
            action: 'provision.record',
            outcome: 'refused',
            orgId: member.org_id,
            memberId: member.id,
            errorCode: code,
            detail: { third_party: input.thirdPartyCode ?? null, direction: input.direction, items: input.items },
          },
          ctx.clock,
        );
        return { refused: new AppError(code) };
      };
      if (party && input.direction === 'provided' && !foreignInformationOnRecord(party, legalBasis as LegalBasis)) {
        return refuse('provision_foreign_info_missing');
      }
      let consentEventId: string | null = null;
      if (input.direction === 'provided' && legalBasis === 'consent') {
        const consent = input.thirdPartyCode
          ? await tx
              .selectFrom('member_consents')
              .innerJoin('consent_events', 'consent_events.id', 'member_consents.event_id')
              .select(['member_consents.state', 'member_consents.event_id', 'consent_events.request_id', 'consent_events.policy_version'])
              .where('member_consents.member_id', '=', member.id)
              .where('member_consents.subject_kind', '=', 'third_party')
              .where('member_consents.subject_code', '=', input.thirdPartyCode)
              .executeTakeFirst()
          : undefined;
        const shownForeign =
          consent?.state === 'granted' && party && isForeign(party)
            ? await foreignInformationShown(tx, member.org_id, party.code)(consent.policy_version)
            : true;
        if (consent?.state !== 'granted' || !shownForeign) {
          const code = !shownForeign
            ? 'provision_consent_before_foreign_info'
            : consent?.request_id
              ? 'provision_stopped'
              : 'provision_consent_missing';
          return refuse(code);
        }
        consentEventId = consent!.event_id;
      }
      const occurredOn = input.occurredOn ?? japanDate(now);
      const row: Insertable<ProvisionRecordTable> & { id: string; keep_until: string } = {
        id: randomUUID(),
        org_id: member.org_id,
        member_id: member.id,
        direction: input.direction,
        third_party_code: input.thirdPartyCode ?? null,
        counterparty_name: counterparty.name,
        counterparty_address: counterparty.address ?? null,
        counterparty_representative: counterparty.representative ?? null,
        items: JSON.stringify(input.items),
        legal_basis: legalBasis,
        consent_event_id: consentEventId,
        acquisition: input.acquisition ?? null,
        occurred_on: occurredOn,
        keep_until: provisionKeepUntil(occurredOn, input.retention ?? 'record'),
        note: input.note ?? null,
        created_at: iso(now),
        created_by: actor.id,
        run_id: null,
        continuous_id: null,
        retention: input.retention ?? 'record',
      };
      await tx.insertInto('provision_records').values(row).execute();
      await appendAudit(
        tx,
        actor,
        {
          action: 'provision.record',
          outcome: 'ok',
          orgId: member.org_id,
          memberId: member.id,
          detail: { record: row.id, third_party: row.third_party_code ?? null, direction: row.direction, items: input.items },
        },
        ctx.clock,
      );
      return { record: row };
    });
  if ('refused' in outcome) throw outcome.refused;
  return outcome.record;
}
