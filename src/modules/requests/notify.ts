/**
 * Who hears about a request, and when: the person (and a guardian who filed it) when it is received,
 * answered, refused or withdrawn; the privacy office when one arrives and, by the reminder job, while one is
 * due or overdue. Mails are chosen inside the transaction (so they describe what committed) and sent after it;
 * each send is recorded in the audit trail, a failure too, and a failure never undoes the step.
 */
import type { AppContext } from '../../base/context.ts';
import { addDays } from '../../base/rules.ts';
import { disclosingKinds, openStates, requestKindLabels } from '../../contract/requests.ts';
import type { DbOrTx, Tx } from '../../db/database.ts';
import type { SubjectRequestTable } from '../../db/schema.ts';
import { japanDate } from '../../db/time.ts';
import { appendAuditAlone } from '../audit/append.ts';
import {
  type MailText,
  officeNewRequest,
  officeReminder,
  requestAnswered,
  requestReceived,
  requestRefused,
  requestWithdrawn,
} from '../notify/templates.ts';
import { getOrgSettings } from '../organizations/settings-cache.ts';
import { policyInEffect } from '../policy/in-effect.ts';

export interface PendingMail extends MailText {
  to: string;
  orgId: string;
  template: string;
  requestId?: string;
}

/** The mails a step of a request sends. */
export async function notifyStep(tx: Tx, ctx: AppContext, row: SubjectRequestTable, step: string): Promise<PendingMail[]> {
  const org = await tx.selectFrom('organizations').select(['id', 'name']).where('id', '=', row.org_id).executeTakeFirstOrThrow();
  const base = { orgName: org.name, reference: row.reference, kindLabel: requestKindLabels[row.kind] };
  const pageUrl = `${ctx.publicUrl}/my/requests/${row.id}`;
  let personal: MailText | undefined;
  if (step === 'file') personal = requestReceived({ ...base, dueOn: row.due_on, pageUrl });
  if (step === 'answer') {
    personal = requestAnswered({
      ...base,
      answer: row.answer ?? '',
      ...(disclosingKinds.includes(row.kind) ? { downloadUrl: pageUrl } : {}),
    });
  }
  if (step === 'refuse') personal = requestRefused({ ...base, reason: row.reason ?? '', contact: await contactLine(tx, row.org_id) });
  if (step === 'withdraw') personal = requestWithdrawn(base);
  const out: PendingMail[] = [];
  const mail = { orgId: row.org_id, requestId: row.id };
  if (personal) for (const to of await personAddresses(tx, row)) out.push({ ...mail, to, template: `request.${step}`, ...personal });
  if (step === 'file') {
    const text = officeNewRequest({ ...base, dueOn: row.due_on, consoleUrl: `${ctx.publicUrl}/requests/${row.id}` });
    for (const to of await officeAddresses(ctx, tx, row.org_id)) out.push({ ...mail, to, template: 'office.new_request', ...text });
  }
  return out;
}

/** Where the person turns with questions about a refusal: the contact window of the policy in effect. */
async function contactLine(db: DbOrTx, orgId: string): Promise<string> {
  const contact = (await policyInEffect(db, orgId))?.document.contact;
  return contact ? [contact.department, contact.phone, contact.email].filter(Boolean).join(' ') : '';
}

/** Sends and records each mail; a failed send is recorded and left for the office to follow up. */
export async function deliver(ctx: AppContext, mails: readonly PendingMail[]): Promise<void> {
  for (const mail of mails) {
    let error: string | undefined;
    try {
      await ctx.mailer.send({ to: mail.to, subject: mail.subject, text: mail.text });
    } catch (e) {
      error = e instanceof Error ? e.message.slice(0, 200) : 'send failed';
    }
    await appendAuditAlone(
      ctx.db,
      { type: 'system', id: null, orgId: mail.orgId, label: 'notify' },
      {
        action: error ? 'notify.failed' : 'notify.sent',
        outcome: error ? 'failed' : 'ok',
        orgId: mail.orgId,
        detail: { template: mail.template, ...(mail.requestId ? { request: mail.requestId } : {}), ...(error ? { error } : {}) },
      },
      ctx.clock,
    );
  }
}

/**
 * The reminder job: one digest per organization per day to the privacy office, listing the open requests
 * due within `remindDaysBefore` days and those overdue. Safe to run often and on several servers: a request
 * is claimed for today (`reminded_on`) before it is listed, so it is in one digest a day.
 */
export async function sendReminders(ctx: AppContext): Promise<{ organizations: number; requests: number }> {
  const today = japanDate(ctx.clock());
  const orgs = await ctx.db.selectFrom('subject_requests').select('org_id').distinct().where('state', 'in', openStates).execute();
  let requests = 0;
  let organizations = 0;
  for (const { org_id } of orgs) {
    const settings = await getOrgSettings(ctx, org_id);
    const horizon = addDays(today, settings.requests.remindDaysBefore);
    const mails = await ctx.db.transaction().execute(async (tx) => {
      const due = await tx
        .selectFrom('subject_requests')
        .select(['id', 'reference', 'kind', 'due_on'])
        .where('org_id', '=', org_id)
        .where('state', 'in', openStates)
        .where('due_on', '<=', horizon)
        .where((eb) => eb.or([eb('reminded_on', 'is', null), eb('reminded_on', '<', today)]))
        .orderBy('due_on')
        .execute();
      if (due.length === 0) return [];
      await tx
        .updateTable('subject_requests')
        .set({ reminded_on: today })
        .where(
          'id',
          'in',
          due.map((d) => d.id),
        )
        .execute();
      const org = await tx.selectFrom('organizations').select('name').where('id', '=', org_id).executeTakeFirstOrThrow();
      const text = officeReminder({
        orgName: org.name,
        due: due.map((d) => ({ reference: d.reference, kindLabel: requestKindLabels[d.kind], dueOn: d.due_on, overdue: d.due_on < today })),
        consoleUrl: `${ctx.publicUrl}/requests?state=overdue`,
      });
      requests += due.length;
      return (await officeAddresses(ctx, tx, org_id)).map((to) => ({ to, orgId: org_id, template: 'office.reminder', ...text }));
    });
    if (mails.length) organizations += 1;
    await deliver(ctx, mails);
  }
  return { organizations, requests };
}

/** The person's e-mail, and the filing guardian's when a guardian filed it. */
async function personAddresses(db: DbOrTx, row: SubjectRequestTable): Promise<string[]> {
  const ids = [row.member_id, ...(row.filed_by_type === 'guardian' && row.filed_by_id ? [row.filed_by_id] : [])];
  const rows = await db.selectFrom('members').select('email').where('id', 'in', ids).execute();
  return [...new Set(rows.flatMap((r) => (r.email ? [r.email] : [])))];
}

/** The privacy office: its configured address, else the e-mail of every active privacy officer. */
async function officeAddresses(ctx: AppContext, db: DbOrTx, orgId: string): Promise<string[]> {
  const settings = await getOrgSettings(ctx, orgId, db);
  if (settings.requests.officeEmail) return [settings.requests.officeEmail];
  const rows = await db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select('users.email')
    .where('users.org_id', '=', orgId)
    .where('users.status', '=', 'active')
    .where('roles.kind', '=', 'privacy_officer')
    .execute();
  return [...new Set(rows.flatMap((r) => (r.email ? [r.email] : [])))];
}
