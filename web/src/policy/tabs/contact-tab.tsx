/**
 * 窓口・開示等の手続: the contact window for requests and complaints, and how a person makes a request
 * (ways, kinds, fee, identity check, agents) — what Art. 32 requires to be always available.
 */

import { requestKinds as requestKindCodes, requestMethods as requestMethodCodes } from '../../../../src/contract/policy-vocabulary.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { CheckList, NumberInput, opt, SelectInput, TextInput } from '../form.tsx';
import { pruned, type TabProps } from '../labels.ts';
import { StringList } from '../lists.tsx';
import type { Doc } from '../types.ts';

type Contact = NonNullable<Doc['contact']>;
type Requests = NonNullable<Doc['requests']>;

export function ContactTab({ doc, change }: TabProps) {
  const { t } = useI18n();
  const c: Partial<Contact> = doc.contact ?? {};
  // The window is left out while nothing of it is stated (the lint then reports it as missing).
  const setContact = (patch: Partial<Contact>) => {
    const next = pruned({ ...c, ...patch });
    change({ contact: next ? { ...next, department: next.department ?? '', phone: next.phone ?? '' } : undefined });
  };
  const r: Requests = doc.requests ?? { methods: [], kinds: [], refusal_grounds: [], fee: {} };
  const setRequests = (patch: Partial<Requests>) => {
    const next = { ...r, ...patch };
    const empty =
      !next.methods.length &&
      !next.kinds.length &&
      !next.refusal_grounds.length &&
      !pruned(next.fee) &&
      next.identity_check === undefined &&
      next.agents === undefined;
    change({ requests: empty ? undefined : next });
  };
  // Standard kinds and ways are ticked (the notice words them, with the window's details); anything else is the
  // co-op's own wording, kept as written after them.
  // Each entry keeps its place in the document's list (`requests.kinds[3]`) so that a lint gap or a validation
  // issue finds its tick box or its own-wording input.
  const split = (values: readonly string[], codes: readonly string[]) => {
    const ownAt = values.flatMap((v, i) => (codes.includes(v) ? [] : [i]));
    return {
      coded: values.filter((v) => codes.includes(v)),
      own: values.filter((v) => !codes.includes(v)),
      codedAt: (v: string) => values.indexOf(v),
      ownAt: (list: string) => (i: number) => `${list}[${ownAt[i] ?? values.length + i}]`,
    };
  };
  const kinds = split(r.kinds, requestKindCodes);
  const methods = split(r.methods, requestMethodCodes);
  const fee = r.fee;
  const feeChoice = fee.free === undefined ? undefined : fee.free ? 'free' : 'paid';
  const feeOptions = [
    { value: 'free' as const, label: t('policy.requests.fee.free') },
    { value: 'paid' as const, label: t('policy.requests.fee.paid') },
  ];
  return (
    <>
      <section className="sub-section" data-path="contact" tabIndex={-1}>
        <h3 className="sub-section-title">{t('policy.contact.title')}</h3>
        <div className="form-grid">
          <TextInput
            label={t('policy.contact.department')}
            path="contact.department"
            required
            value={c.department}
            onChange={(v) => setContact({ department: opt(v) })}
          />
          <TextInput
            label={t('policy.contact.phone')}
            path="contact.phone"
            type="tel"
            required
            value={c.phone}
            onChange={(v) => setContact({ phone: opt(v) })}
          />
          <TextInput
            label={t('policy.contact.hours')}
            path="contact.hours"
            hint={t('policy.contact.hoursHint')}
            value={c.hours}
            onChange={(v) => setContact({ hours: opt(v) })}
          />
          <TextInput
            label={t('policy.contact.email')}
            path="contact.email"
            type="email"
            value={c.email}
            onChange={(v) => setContact({ email: opt(v) })}
          />
          <TextInput
            label={t('policy.f.postalCode')}
            path="contact.postal_code"
            value={c.postal_code}
            onChange={(v) => setContact({ postal_code: opt(v) })}
          />
          <TextInput
            label={t('policy.f.address')}
            path="contact.address"
            value={c.address}
            onChange={(v) => setContact({ address: opt(v) })}
          />
          <TextInput
            className="span-2"
            label={t('policy.contact.complaints')}
            path="contact.complaints"
            hint={t('policy.contact.complaintsHint')}
            value={c.complaints}
            onChange={(v) => setContact({ complaints: opt(v) })}
          />
        </div>
      </section>
      <section className="sub-section" data-path="requests" tabIndex={-1}>
        <h3 className="sub-section-title">{t('policy.requests.title')}</h3>
        <CheckList
          legend={t('policy.requests.kinds')}
          path="requests.kinds"
          options={requestKindCodes.map((k) => ({ value: k, label: t(`policy.requests.kind.${k}`) }))}
          selected={kinds.coded}
          onChange={(v) => setRequests({ kinds: [...v, ...kinds.own] })}
          empty=""
          testId="request-kinds"
          indexOf={kinds.codedAt}
        />
        <StringList
          label={t('policy.requests.ownKinds')}
          itemLabel={t('policy.requests.ownKinds')}
          path="requests.kinds_own"
          values={kinds.own}
          entryPath={kinds.ownAt('requests.kinds')}
          onChange={(own) => setRequests({ kinds: [...kinds.coded, ...own] })}
          addLabel={t('policy.requests.addKind')}
        />
        <CheckList
          legend={t('policy.requests.methods')}
          path="requests.methods"
          options={requestMethodCodes.map((m) => ({ value: m, label: t(`policy.requests.method.${m}`) }))}
          selected={methods.coded}
          onChange={(v) => setRequests({ methods: [...v, ...methods.own] })}
          empty=""
          testId="request-methods"
          indexOf={methods.codedAt}
        />
        <StringList
          label={t('policy.requests.ownMethods')}
          itemLabel={t('policy.requests.ownMethods')}
          path="requests.methods_own"
          values={methods.own}
          entryPath={methods.ownAt('requests.methods')}
          onChange={(own) => setRequests({ methods: [...methods.coded, ...own] })}
          addLabel={t('policy.requests.addMethod')}
        />
        <StringList
          label={t('policy.requests.refusalGrounds')}
          itemLabel={t('policy.requests.refusalGround')}
          path="requests.refusal_grounds"
          multiline
          values={r.refusal_grounds}
          onChange={(refusal_grounds) => setRequests({ refusal_grounds })}
          addLabel={t('policy.requests.addRefusalGround')}
        />
        <div className="form-grid" data-path="requests.fee" tabIndex={-1}>
          <SelectInput
            label={t('policy.requests.fee')}
            path="requests.fee.free"
            value={feeChoice}
            options={feeOptions}
            emptyLabel={t('policy.form.notStated')}
            onChange={(v) => setRequests({ fee: { ...fee, free: v === undefined ? undefined : v === 'free' } })}
          />
          <NumberInput
            label={t('policy.requests.amount')}
            path="requests.fee.amount_yen"
            min={0}
            value={fee.amount_yen}
            onChange={(v) => setRequests({ fee: { ...fee, amount_yen: v } })}
          />
          <TextInput
            className="span-2"
            label={t('policy.requests.feeNote')}
            path="requests.fee.note"
            value={fee.note}
            onChange={(v) => setRequests({ fee: { ...fee, note: opt(v) } })}
          />
        </div>
        <TextInput
          label={t('policy.requests.identity')}
          path="requests.identity_check"
          multiline
          rows={2}
          value={r.identity_check}
          onChange={(v) => setRequests({ identity_check: opt(v) })}
        />
        <TextInput
          label={t('policy.requests.agents')}
          path="requests.agents"
          multiline
          rows={2}
          value={r.agents}
          onChange={(v) => setRequests({ agents: opt(v) })}
        />
      </section>
    </>
  );
}
