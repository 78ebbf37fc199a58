/**
 * Gathering the disclosure package for one person (`types.ts`): every item held, the purposes and the
 * person's flags on them, joint uses, consents and their history, provision records, requests, and every
 * access to the record from the audit trail (which organization, department and role, for which purpose;
 * never a staff member's name). Every query is by the member's id on an index, so the package takes the
 * same time among a thousand members or a million (bench/disclosure.bench.ts).
 *
 * A package of a narrower kind (provision records, safety measures) leaves out what was not asked.
 */
import type { AppContext } from '../../base/context.ts';
import { parseOrgSettings } from '../../base/settings.ts';
import { memberFieldCodes } from '../../contract/member-fields.ts';
import type { RequestKind } from '../../contract/requests.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { MemberTable, SubjectRequestTable } from '../../db/schema.ts';
import { iso, japanDate } from '../../db/time.ts';
import { drainAuditQueue } from '../audit/sequencer.ts';
import { consentHistory, listConsents } from '../consent/consents.ts';
import { memberFieldLabels } from '../members/fields.ts';
import type { PolicyDocument } from '../policy/document.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { listProvisionRecords } from '../provision/list-records.ts';
import { disclosedSystemRows } from '../system-tasks/read-tasks.ts';
import type { DisclosurePackage } from './types.ts';

const ledgerFields = new Set<string>(memberFieldCodes);

/** Audit actions that are accesses to (or changes of) the person's record. */
const actorLabels = { member: '本人', system: 'システム', cli: '一括処理', anonymous: '—' } as const;

export async function buildPackage(
  ctx: AppContext,
  memberId: string,
  opts: {
    request?: SubjectRequestTable;
    kind?: RequestKind;
    accesses?: boolean;
    /** Where to read (default `ctx.db`): the streaming replica for a draft (`requests/package.ts`). */
    db?: DbOrTx;
  } = {},
): Promise<DisclosurePackage> {
  const kind = opts.kind ?? opts.request?.kind ?? 'disclosure';
  const db = opts.db ?? ctx.db;
  const member = await db.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow();
  const [org, policy] = await Promise.all([
    db.selectFrom('organizations').select(['code', 'name', 'settings']).where('id', '=', member.org_id).executeTakeFirstOrThrow(),
    policyInEffect(db, member.org_id),
  ]);
  const doc = policy?.document;
  const full = kind === 'disclosure';
  // The record of accesses is read from the audit trail: on PostgreSQL, entries still queued are chained first.
  if (full && opts.accesses !== false) await drainAuditQueue(ctx.db);
  const wantsProvision = full || kind === 'provision_records';
  const wantsSafety = full || kind === 'safety_measures';
  const [items, purposes, consents, history, provisions, requests, accesses] = await Promise.all([
    full ? itemsOf(ctx, db, member, parseOrgSettings(org.settings).requests.retainOnDeletion) : [],
    full ? purposesOf(db, member) : [],
    full ? listConsents(db, member.org_id, member.id) : [],
    full ? consentHistory(db, member.id) : [],
    wantsProvision ? listProvisionRecords(db, member.id) : [],
    full ? requestsOf(db, member.id) : [],
    full && opts.accesses !== false ? accessesOf(db, member) : [],
  ]);
  // What the connected systems hold, as the request's disclosure tasks found it (decrypted only here).
  const systems = full && opts.request ? await disclosedSystemRows(db, ctx.keys, opts.request.id) : [];
  return {
    format: 'mamori.disclosure/1',
    generated_at: iso(ctx.clock()),
    request: opts.request ? { reference: opts.request.reference, kind: opts.request.kind, received_at: opts.request.received_at } : null,
    organization: {
      code: org.code,
      name: doc?.organization.name ?? org.name,
      address: doc?.organization.address ?? null,
      representative: doc?.organization.representative ?? null,
    },
    policy_version: policy?.number ?? null,
    person: { member_code: member.member_code, name: member.name, status: member.status, erased_at: member.erased_at },
    items,
    purposes,
    joint_uses: full && doc ? jointUsesOf(doc, japanDate(ctx.clock())) : [],
    consents: consents.map((c) => ({
      subject_kind: c.kind,
      subject_code: c.code,
      subject_name: c.name,
      state: c.state,
      updated_at: c.updated_at ?? '',
    })),
    consent_history: history.map((h) => ({
      at: h.at,
      subject_kind: h.subject_kind,
      subject_code: h.subject_code,
      state: h.state,
      source: h.source,
      actor: { member: '本人', guardian: '保護者', user: '職員', system: 'ご請求による' }[h.actor_type],
      policy_version: h.policy_version,
    })),
    provision_records: provisions.map((p) => ({
      direction: p.direction,
      occurred_on: p.occurred_on,
      counterparty: p.counterparty_name,
      counterparty_address: p.counterparty_address,
      counterparty_representative: p.counterparty_representative,
      items: p.items,
      legal_basis: p.legal_basis,
      acquisition: p.acquisition,
      continuous: p.continuous ? { first_on: p.continuous.first_on, last_on: p.continuous.last_on } : null,
    })),
    requests,
    accesses,
    ...(systems.length > 0 ? { systems } : {}),
    safety_measures: wantsSafety && doc ? safetyOf(doc) : [],
    contact: doc?.contact
      ? {
          name: doc.contact.department,
          phone: doc.contact.phone,
          email: doc.contact.email ?? null,
          address: doc.contact.address ?? null,
          hours: doc.contact.hours ?? null,
        }
      : null,
  };
}

async function itemsOf(
  ctx: AppContext,
  db: DbOrTx,
  member: MemberTable,
  retainOnDeletion: readonly string[],
): Promise<DisclosurePackage['items']> {
  const rows = await db
    .selectFrom('data_items')
    .select(['code', 'name', 'name_en', 'sensitive'])
    .where('org_id', '=', member.org_id)
    .where('status', '=', 'active')
    .execute();
  const retained = new Set(member.erased_at ? retainOnDeletion : []);
  // Ledger fields first in ledger order, then the policy's other items (held in connected systems).
  const order = (code: string) => (ledgerFields.has(code) ? memberFieldCodes.indexOf(code as (typeof memberFieldCodes)[number]) : 100);
  return rows
    .sort((a, b) => order(a.code) - order(b.code) || a.code.localeCompare(b.code))
    .map((item) => ({
      code: item.code,
      label: { ja: item.name, en: item.name_en || labelEn(item.code) },
      value: storedValue(ctx, member, item.code),
      sensitive: item.sensitive === 1,
      retained_by_law: retained.has(item.code),
    }));
}

function labelEn(code: string): string {
  return ledgerFields.has(code) ? memberFieldLabels[code as (typeof memberFieldCodes)[number]].en : code;
}

function storedValue(ctx: AppContext, member: MemberTable, code: string): string | number | null {
  if (!ledgerFields.has(code)) return null;
  if (code === 'bank_account') return member.bank_account_enc ? ctx.keys.decrypt(member.bank_account_enc) : null;
  const value = member[code as keyof MemberTable];
  return value === '' ? null : (value as string | number | null);
}

async function purposesOf(db: DbOrTx, member: MemberTable): Promise<DisclosurePackage['purposes']> {
  const [purposes, links, flags] = await Promise.all([
    db
      .selectFrom('purposes')
      .select(['id', 'code', 'number', 'name', 'consent_mode'])
      .where('org_id', '=', member.org_id)
      .where('status', '=', 'active')
      // Purposes for staff or business partners only do not concern a member (policy data subjects).
      .where('for_members', '=', 1)
      .orderBy('number')
      .execute(),
    db
      .selectFrom('purpose_items')
      .innerJoin('data_items', 'data_items.id', 'purpose_items.item_id')
      .innerJoin('purposes', 'purposes.id', 'purpose_items.purpose_id')
      .select(['purpose_items.purpose_id', 'data_items.code'])
      .where('purposes.org_id', '=', member.org_id)
      .execute(),
    db.selectFrom('member_purpose_blocks').select(['purpose_id', 'kind']).where('member_id', '=', member.id).execute(),
  ]);
  return purposes.map((p) => {
    const has = (kind: string) => flags.some((f) => f.purpose_id === p.id && f.kind === kind);
    const status = has('stopped')
      ? 'stopped'
      : has('opt_out')
        ? 'opted_out'
        : p.consent_mode === 'opt_in' && !has('consented')
          ? 'no_consent'
          : 'in_use';
    return {
      code: p.code,
      number: p.number,
      name: p.name,
      items: links.filter((l) => l.purpose_id === p.id).map((l) => l.code),
      consent_mode: p.consent_mode,
      status,
    };
  });
}

function jointUsesOf(doc: PolicyDocument, today: string): DisclosurePackage['joint_uses'] {
  return doc.joint_uses
    .filter((j) => !j.ends_on || j.ends_on >= today)
    .map((j) => ({
      code: j.code,
      name: j.name,
      users: j.users.map((u) => u.name),
      items: j.items,
      purposes: j.purposes,
      responsible: j.responsible
        ? [j.responsible.name, j.responsible.address, j.responsible.representative].filter(Boolean).join(' ')
        : null,
      starts_on: j.starts_on ?? null,
    }));
}

async function requestsOf(db: DbOrTx, memberId: string): Promise<DisclosurePackage['requests']> {
  return db
    .selectFrom('subject_requests')
    .select(['reference', 'kind', 'state', 'received_at', 'due_on', 'answered_at', 'reason'])
    .where('member_id', '=', memberId)
    .orderBy('received_at', 'desc')
    .execute();
}

/** The record's accesses, newest first, with who (organization, department, role) and the purpose's name. */
async function accessesOf(db: DbOrTx, member: MemberTable): Promise<DisclosurePackage['accesses']> {
  const rows = await db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_id')
    .leftJoin('organizations', 'organizations.id', 'users.org_id')
    .leftJoin('departments', 'departments.id', 'users.department_id')
    .leftJoin('roles', 'roles.id', 'users.role_id')
    .select([
      'audit_log.ts',
      'audit_log.actor_type',
      'audit_log.action',
      'audit_log.purpose_code',
      'audit_log.outcome',
      'organizations.name as org_name',
      'organizations.id as actor_org_id',
      'departments.name as department',
      'roles.name as role',
    ])
    .where('audit_log.member_id', '=', member.id)
    .orderBy('audit_log.member_id')
    .orderBy('audit_log.seq', 'desc')
    .execute();
  const purposes = await db.selectFrom('purposes').select(['org_id', 'code', 'name']).where('org_id', '=', member.org_id).execute();
  const purposeName = new Map(purposes.map((p) => [p.code, p.name]));
  return rows.map((r) => ({
    at: r.ts,
    organization: r.org_name ?? (r.actor_type === 'user' ? '—' : actorLabels[r.actor_type as keyof typeof actorLabels]),
    department: r.department,
    role: r.role,
    action: r.action,
    purpose_code: r.purpose_code,
    purpose_name: r.purpose_code ? (purposeName.get(r.purpose_code) ?? null) : null,
    outcome: r.outcome,
  }));
}

function safetyOf(doc: PolicyDocument): DisclosurePackage['safety_measures'] {
  const s = doc.safety_measures;
  if (!s) return [];
  const sections: [string, string[]][] = [
    ['組織的安全管理措置', s.organizational],
    ['人的安全管理措置', s.human],
    ['物理的安全管理措置', s.physical],
    ['技術的安全管理措置', s.technical],
  ];
  const out = sections.filter(([, paras]) => paras.length > 0).map(([title, paras]) => ({ title, text: paras.join('\n') }));
  if (s.storage.length) {
    out.push({
      title: '外的環境の把握（保管国）',
      text: s.storage.map((c) => [c.country, c.regime, c.note].filter(Boolean).join(': ')).join('\n'),
    });
  }
  return out;
}
