/**
 * The demo organizations' policies: the Miyagi seed's published policy (its purposes, scope, items and
 * joint-use lists, as the seeds allow), with a fictitious name, address, representative and phone, published
 * as version 1 in effect on the day of the seed. In the demo co-op, the kyosai federation of the demo stands in
 * for 日本コープ共済連 as a joint user that signs in to mamori.
 */
import type { Tx } from '../../db/database.ts';
import { japanDate } from '../../db/time.ts';
import type { Actor } from '../audit/events.ts';
import { type PolicyDocument, policyDocumentSchema } from '../policy/document.ts';
import { loadPreset } from '../policy/presets.ts';
import { getDraft, publishPolicy, saveDraft } from '../policy/versions.ts';
import { demoSystemsMap } from './demo-systems.ts';

const DEMO_ADDRESS = '宮城県仙台市青葉区見本町1丁目2-3（デモ用の架空の住所）';
const DEMO_REPRESENTATIVE = '代表理事 理事長 見本 太郎（架空）';

/** The Miyagi preset made into `org`'s policy; `jointUserOrg` becomes a joint user of its kyosai joint uses. */
export function demoPolicy(
  org: { code: string; name: string; name_en: string },
  jointUserOrg?: string,
  opts: { systems?: boolean } = {},
): PolicyDocument {
  const preset = loadPreset('miyagi');
  // The published text names the co-op throughout; the demo says its own name instead.
  const renamed = JSON.parse(
    JSON.stringify(preset).replaceAll('みやぎ生活協同組合', org.name).replaceAll('みやぎ生協', org.name),
  ) as PolicyDocument;
  const party = { name: org.name, address: DEMO_ADDRESS, representative: DEMO_REPRESENTATIVE };
  const joint = jointUserOrg
    ? { name: 'デモ共済生活協同組合連合会', org: jointUserOrg, note: 'デモでは日本コープ共済生活協同組合連合会の役割を担います。' }
    : undefined;
  return policyDocumentSchema.parse({
    ...renamed,
    organization: {
      ...renamed.organization,
      code: org.code,
      name: org.name,
      name_en: org.name_en,
      address: DEMO_ADDRESS,
      representative: DEMO_REPRESENTATIVE,
    },
    joint_uses: renamed.joint_uses.map((ju) => ({
      ...ju,
      responsible: party,
      users: joint && ju.purposes.includes('P14') ? [...ju.users, joint] : ju.users,
    })),
    contact: renamed.contact ? { ...renamed.contact, phone: '000-0000-0000' } : undefined,
    ...(opts.systems ? { systems: demoSystemsMap() } : {}),
  });
}

/**
 * A contractor of the demo co-op with a contract on record (委託先, issue 14 §2): fictitious, signed two years
 * before the seed and running a year after it, inspected yearly — last thirteen months before the seed, so its
 * inspection is overdue and hand-overs are blocked until one is recorded (the journey of e2e/handovers.spec.ts).
 */
export function demoContractor(today: string): PolicyDocument['contractors'][number] {
  const shift = (months: number) => {
    const [y, m, d] = today.split('-').map(Number) as [number, number, number];
    const total = y * 12 + (m - 1) + months;
    const last = new Date(Date.UTC(Math.floor(total / 12), (total % 12) + 1, 0)).getUTCDate();
    return new Date(Date.UTC(Math.floor(total / 12), total % 12, Math.min(d, last))).toISOString().slice(0, 10);
  };
  return {
    code: 'demo-print',
    name: 'デモ印刷株式会社（架空）',
    service: '組合員向け案内の印刷・封入・発送',
    items: ['member_code', 'name', 'postal_code', 'address'],
    contract: {
      signed_on: shift(-24),
      expires_on: shift(12),
      confidentiality: true,
      no_reprovision: true,
      incident_liability: true,
      subcontracting: 'with_consent',
      return_or_destruction: true,
    },
    inspection: { interval_months: 12, last_on: shift(-13) },
    note: 'デモ用の架空の委託先です。',
  };
}

/**
 * A named recipient of the demo co-op's third-party register (第三者提供, issue 14 §1), fictitious: provided with the
 * person's consent, with the items it receives, so that a provision run can be tried in the demo (the seed's
 * published categories name no items).
 */
export function demoRecipient(): PolicyDocument['third_parties'][number] {
  return {
    code: 'demo-insurer',
    name: 'デモ損害保険株式会社（架空）',
    kind: 'recipient',
    address: '東京都千代田区見本町2-3-4（デモ用の架空の住所）',
    representative: '代表取締役 見本 花子（架空）',
    legal_basis: 'consent',
    items: ['name', 'postal_code', 'address', 'phone'],
    purpose: '自動車保険・火災保険のご案内（ご本人が同意された場合に限ります）',
    transmission: ['electronic'],
    note: 'デモ用の架空の提供先です。',
  };
}

/** Saves and publishes the demo policy of `orgId` inside the seed's transaction. */
export async function publishDemoPolicy(tx: Tx, orgId: string, code: string, now: Date, opts: { systems?: boolean } = {}): Promise<void> {
  const org = await tx.selectFrom('organizations').select(['code', 'name', 'name_en']).where('id', '=', orgId).executeTakeFirstOrThrow();
  const base = demoPolicy(org, code === 'demo-coop' ? 'demo-kyosai' : undefined, opts);
  const document =
    code === 'demo-coop'
      ? {
          ...base,
          third_parties: [...base.third_parties, demoRecipient()],
          contractors: [...base.contractors, demoContractor(japanDate(now))],
        }
      : base;
  const draft = await getDraft(tx, orgId, now);
  const actor: Actor = { type: 'system', id: null, orgId, label: 'demo-seed' };
  const saved = await saveDraft(tx, { orgId, actor, revision: draft.revision, document, now, via: 'preset' });
  await publishPolicy(tx, {
    orgId,
    actor,
    revision: saved.revision,
    effectiveOn: japanDate(now),
    summary: 'デモ用の初版（みやぎ生協の公表されたポリシーをもとに作成）',
    now,
    priorNoticeDays: 0,
  });
}
