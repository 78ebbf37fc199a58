import { describe, expect, it } from 'vitest';
import { AppError } from '../../base/errors.ts';
import { memberFieldCodes } from '../../contract/member-fields.ts';
import { purposeCodeOf } from '../../contract/policy-vocabulary.ts';
import { formatPolicyFile, parsePolicyFile } from './policy-file.ts';
import { adoptPreset, loadPreset, policyPresets, presetIds } from './presets.ts';

/** Purposes as each seed numbers them (Kita-Tokyo: 1–7, its 8 and 9 being the joint use and retention). */
const purposeCounts: Record<string, number> = {
  miyagi: 16,
  shizenha: 14,
  'kitatokyo-seikatsu-club': 7,
  'programming-club': 4,
  'seikatsu-club-ibaraki': 4,
};

const organizationCodes: Record<string, string> = {
  miyagi: 'miyagi-coop',
  shizenha: 'coop-shizenha',
  'kitatokyo-seikatsu-club': 'kitatokyo-seikatsu-club',
  'programming-club': 'coop-programming-club',
  'seikatsu-club-ibaraki': 'seikatsu-club-ibaraki',
};

const duplicates = (codes: string[]) => codes.filter((c, i) => codes.indexOf(c) !== i);

describe('policy presets', () => {
  it('lists five presets, one per seed', () => {
    expect(presetIds).toEqual(Object.keys(purposeCounts));
    expect(new Set(policyPresets.map((p) => p.file)).size).toBe(5);
  });

  describe.each(presetIds)('%s', (id) => {
    const doc = loadPreset(id);
    const itemCodes = new Set(doc.items.map((i) => i.code));
    const purposeCodes = new Set(doc.purposes.map((p) => purposeCodeOf(p)));

    it('parses, with the organization code and the purposes numbered as published', () => {
      expect(doc.organization.code).toBe(organizationCodes[id]);
      expect(doc.purposes).toHaveLength(purposeCounts[id]!);
      expect(doc.purposes.map((p) => p.number)).toEqual(doc.purposes.map((_, i) => i + 1));
      expect(doc.purposes.map((p) => p.code)).toEqual(doc.purposes.map((p) => `P${String(p.number).padStart(2, '0')}`));
    });

    it('names each register entry once', () => {
      for (const codes of [
        doc.items.map((i) => i.code),
        [...doc.purposes.map((p) => purposeCodeOf(p))],
        doc.scope.map((s) => s.code),
        doc.joint_uses.map((j) => j.code),
        doc.third_parties.map((t) => t.code),
        doc.contractors.map((c) => c.code),
        doc.anonymized.map((a) => a.code),
      ]) {
        expect(duplicates(codes)).toEqual([]);
      }
    });

    it('refers only to items and purposes the same file declares', () => {
      const missingItems = [
        ...doc.purposes.flatMap((p) => p.items.map((i) => [`purpose ${p.code}`, i])),
        ...doc.joint_uses.flatMap((j) => j.items.map((i) => [`joint use ${j.code}`, i])),
        ...doc.third_parties.flatMap((t) => t.items.map((i) => [`third party ${t.code}`, i])),
        ...doc.contractors.flatMap((c) => c.items.map((i) => [`contractor ${c.code}`, i])),
      ].filter(([, item]) => !itemCodes.has(item!));
      expect(missingItems).toEqual([]);
      const missingPurposes = doc.joint_uses.flatMap((j) => j.purposes.filter((p) => !purposeCodes.has(p)).map((p) => [j.code, p]));
      expect(missingPurposes).toEqual([]);
    });

    it('round-trips through a policy file unchanged', () => {
      expect(parsePolicyFile(formatPolicyFile(doc, `preset ${id}`))).toEqual(doc);
    });

    it('marks its bank-account items financial, so pseudonymized data never keeps them (issue 14 §6)', () => {
      const unmarked = doc.items.filter((i) => /口座|カード|bank|card/i.test(`${i.code} ${i.name}`) && !i.financial);
      expect(unmarked.map((i) => i.code)).toEqual([]);
      if (itemCodes.has('bank_account')) expect(doc.items.find((i) => i.code === 'bank_account')?.financial).toBe(true);
    });
  });

  it('Miyagi: sixteen purposes, the ledger items, two joint uses with the published responsible party', () => {
    const doc = loadPreset('miyagi');
    expect(doc.purposes[15]!.name).toContain('嗜好に沿った商品・サービス');
    expect(doc.scope).toHaveLength(5);
    expect(doc.items.map((i) => i.code)).toEqual(expect.arrayContaining([...memberFieldCodes, 'purchase_history', 'inquiries']));
    expect(doc.joint_uses.map((j) => j.code)).toEqual(['miyagi-coop-group', 'coop-kyosai-ren']);
    for (const jointUse of doc.joint_uses) {
      expect(jointUse.responsible).toEqual({
        name: 'みやぎ生活協同組合',
        address: '宮城県仙台市泉区八乙女4丁目2-2',
        representative: '代表理事 専務理事 尾川輝敏',
      });
      expect(jointUse.starts_on).toBe('2022-06-10');
    }
    const [group, kyosai] = doc.joint_uses;
    expect(group!.users).toHaveLength(6);
    expect(kyosai!.users.map((u) => u.name)).toEqual(['日本コープ共済生活協同組合連合会']);
    expect(kyosai!.items).toEqual(expect.arrayContaining(['coop_code', 'last_transfer_date', 'billing_amount']));
    expect(kyosai!.purposes).toEqual(['P14', 'P15']);
    expect(doc.anonymized[0]!.items).toEqual(['顧客ID', '年代', '性別', 'はん個配区分', '購買情報']);
    expect(doc.contact).toMatchObject({ phone: '022-771-1590' });
    expect(doc.requests?.kinds).toContain('安全管理措置の開示');
    expect(doc.basic_policy).toMatchObject({ enacted_on: '2005-03-31', revised_on: ['2022-06-10'] });
    expect(doc.basic_policy.commitments).toHaveLength(9);
  });

  it('Shizenha: every item jointly used with 日本生協連, recipients on paper or electronically', () => {
    const doc = loadPreset('shizenha');
    const [jointUse] = doc.joint_uses;
    // 「その全ての項目につき」: a rule that follows the registers, for every purpose.
    expect(jointUse).toMatchObject({ items_all: true, purposes_all: true, items: [], purposes: [] });
    expect(jointUse!.users.map((u) => u.name)).toContain('日本生活協同組合連合会');
    expect(doc.scope).toHaveLength(6);
    const recipients = doc.third_parties.filter((t) => t.transmission.length > 0);
    expect(recipients).toHaveLength(5);
    for (const r of recipients) expect(r.transmission).toEqual(['paper', 'electronic']);
    expect(doc.third_parties.map((t) => t.legal_basis)).toEqual(expect.arrayContaining(['law', 'life_body_property']));
  });

  it('Miyagi: members’ and staff’s purposes apart, the co-op’s own exceptions to provision, requests by phone', () => {
    const doc = loadPreset('miyagi');
    expect(doc.data_subjects.map((g) => `${g.code}:${g.ledger}`)).toEqual(['member:true', 'staff:false']);
    expect(doc.purposes.filter((p) => p.subjects.includes('staff')).map((p) => p.code)).toEqual(['P12']);
    expect(doc.purposes.every((p) => p.subjects.length === 1)).toBe(true);
    expect(doc.third_party_exceptions).toHaveLength(3);
    expect(doc.requests?.methods).toEqual(['phone']);
    expect(doc.requests?.kinds).toContain('安全管理措置の開示');
  });

  it('Kita-Tokyo: joint use of six items with 生活クラブ連合会 as the overall manager, retention and website sections', () => {
    const doc = loadPreset('kitatokyo-seikatsu-club');
    const jointUse = doc.joint_uses.find((j) => j.responsible?.name.includes('生活クラブ事業連合生活協同組合連合会'));
    expect(jointUse?.items.toSorted()).toEqual(['address', 'birth_date', 'email', 'member_code', 'name', 'phone']);
    expect(jointUse?.users.map((u) => u.name).join()).toContain('生活クラブ連合会');
    expect(doc.scope.map((s) => s.code)).toEqual(expect.arrayContaining(['business-a', 'business-f']));
    expect(doc.retention).toHaveLength(3);
    const titles = doc.sections.map((s) => s.title).join('\n');
    for (const topic of ['SSL', 'IPアドレス', 'クッキー', 'マイナンバー']) expect(titles).toContain(topic);
    const safety = doc.safety_measures!;
    for (const kind of ['organizational', 'human', 'physical', 'technical'] as const) expect(safety[kind].length).toBeGreaterThan(0);
  });

  it('programming club: child-facing services with guardian consent, public-health provision, self-service correction', () => {
    const doc = loadPreset('programming-club');
    expect(doc.scope.some((s) => s.child_facing && s.guardian_consent)).toBe(true);
    expect(doc.third_parties.map((t) => t.legal_basis)).toContain('public_health_children');
    expect(doc.joint_uses[0]!.users.map((u) => u.name).join()).toContain('仙台放送');
    expect(doc.requests?.methods.join()).toContain('会員ページ');
  });

  it('Ibaraki: staff consent on hiring, training, the head office window', () => {
    const doc = loadPreset('seikatsu-club-ibaraki');
    expect(doc.safety_measures!.human.join()).toContain('雇用に際しても個人情報保護について同意を求めます');
    expect(doc.safety_measures!.human.join()).toContain('教育研修');
    expect(doc.contact).toMatchObject({ department: '本部組織部', phone: '029-874-8510' });
    expect(doc.contact?.hours).toBeUndefined();
  });

  it('refuses an unknown preset', () => {
    expect(() => loadPreset('no-such-coop')).toThrow(AppError);
    try {
      loadPreset('no-such-coop');
    } catch (e) {
      expect((e as AppError).code).toBe('policy_preset_unknown');
    }
  });
});

describe('adopting a preset', () => {
  it('keeps the registers but never the seed co-op’s identity', () => {
    const doc = adoptPreset('miyagi', { code: 'my-coop', name: 'わたしの生協', name_en: 'My Co-op', kind: 'coop' });
    expect(doc.organization).toEqual({ code: 'my-coop', name: 'わたしの生協', name_en: 'My Co-op', kind: 'coop' });
    expect(doc.purposes).toHaveLength(16);
    expect(JSON.stringify(doc.organization)).not.toContain('八乙女');
  });
});
