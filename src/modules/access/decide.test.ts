import { describe, expect, it } from 'vitest';
import { AccessEngine } from './decide.ts';
import type { AccessRequest, PolicyData } from './policy.ts';

// A co-op (A), a joint user of A's data (B) and an unrelated co-op (C).
const items = ['member_code', 'name', 'phone', 'address', 'bank_account', 'email'];
const policy: PolicyData = {
  items: [...items.map((code) => ({ id: `A.${code}`, orgId: 'A', code })), ...items.map((code) => ({ id: `C.${code}`, orgId: 'C', code }))],
  purposes: [
    { id: 'A.P01', orgId: 'A', code: 'P01' },
    { id: 'A.P04', orgId: 'A', code: 'P04' },
    { id: 'A.P16', orgId: 'A', code: 'P16' },
    { id: 'C.P04', orgId: 'C', code: 'P04' },
  ],
  purposeItems: [
    ...items.map((code) => ({ purposeId: 'A.P01', itemId: `A.${code}` })),
    ...['member_code', 'name', 'phone', 'address'].map((code) => ({ purposeId: 'A.P04', itemId: `A.${code}` })),
    { purposeId: 'A.P16', itemId: 'A.member_code' },
    { purposeId: 'C.P04', itemId: 'C.name' },
  ],
  rolePurposes: [
    { roleId: 'A.delivery', purposeId: 'A.P04' },
    { roleId: 'A.officer', purposeId: 'A.P01' },
    { roleId: 'A.officer', purposeId: 'A.P04' },
    { roleId: 'A.officer', purposeId: 'A.P16' },
    { roleId: 'B.staff', purposeId: 'A.P04' },
    { roleId: 'B.staff', purposeId: 'A.P16' },
    { roleId: 'C.staff', purposeId: 'C.P04' },
  ],
  jointUse: [
    {
      id: 'JU-delivery',
      ownerOrgId: 'A',
      userOrgIds: ['A', 'B'],
      purposeIds: ['A.P04'],
      itemIds: ['A.member_code', 'A.name', 'A.phone'],
      startsOn: '2025-04-01',
      endsOn: null,
    },
    {
      id: 'JU-future',
      ownerOrgId: 'A',
      userOrgIds: ['B'],
      purposeIds: ['A.P16'],
      itemIds: ['A.member_code'],
      startsOn: '2030-01-01',
      endsOn: null,
    },
  ],
};

const engine = new AccessEngine(policy);
const memberOfA = { orgId: 'A', blocks: [] };
const base = { action: 'read' as const, today: '2026-11-22', member: memberOfA };

type Row = [string, Partial<AccessRequest> & Pick<AccessRequest, 'actor' | 'purpose'>, string, (readonly string[])?];

// name, request, expected outcome ('allowed' or refusal code), expected items when allowed
const table: Row[] = [
  [
    'own staff, permitted purpose: all purpose items',
    { actor: { roleId: 'A.delivery', orgId: 'A' }, purpose: 'P04' },
    'allowed',
    ['member_code', 'name', 'phone', 'address'],
  ],
  ['own staff, subset of items', { actor: { roleId: 'A.delivery', orgId: 'A' }, purpose: 'P04', items: ['name'] }, 'allowed', ['name']],
  [
    'own staff, item outside the purpose',
    { actor: { roleId: 'A.delivery', orgId: 'A' }, purpose: 'P04', items: ['name', 'bank_account'] },
    'item_not_in_purpose',
  ],
  ['own staff, unknown item', { actor: { roleId: 'A.delivery', orgId: 'A' }, purpose: 'P04', items: ['my_number'] }, 'item_not_in_purpose'],
  ['own staff, purpose not granted to the role', { actor: { roleId: 'A.delivery', orgId: 'A' }, purpose: 'P01' }, 'purpose_not_permitted'],
  ['own staff, purpose that does not exist', { actor: { roleId: 'A.delivery', orgId: 'A' }, purpose: 'P99' }, 'purpose_unknown'],
  ['officer, ledger purpose: every item', { actor: { roleId: 'A.officer', orgId: 'A' }, purpose: 'P01' }, 'allowed', items],
  ['another co-op’s staff, no joint use', { actor: { roleId: 'C.staff', orgId: 'C' }, purpose: 'P04' }, 'member_out_of_scope'],
  [
    'another co-op’s staff with a grant on its own purpose code',
    { actor: { roleId: 'C.staff', orgId: 'C' }, purpose: 'P04', items: ['name'] },
    'member_out_of_scope',
  ],
  [
    'joint user, declared purpose: only the declared items',
    { actor: { roleId: 'B.staff', orgId: 'B' }, purpose: 'P04' },
    'allowed',
    ['member_code', 'name', 'phone'],
  ],
  [
    'joint user, item of the purpose but not of the joint use',
    { actor: { roleId: 'B.staff', orgId: 'B' }, purpose: 'P04', items: ['address'] },
    'item_not_in_purpose',
  ],
  ['joint user, purpose not in any joint use', { actor: { roleId: 'B.staff', orgId: 'B' }, purpose: 'P01' }, 'purpose_not_permitted'],
  ['joint user, joint use not yet effective', { actor: { roleId: 'B.staff', orgId: 'B' }, purpose: 'P16' }, 'joint_use_not_effective'],
  [
    'joint user, before the start date',
    { actor: { roleId: 'B.staff', orgId: 'B' }, purpose: 'P04', today: '2025-03-31' },
    'joint_use_not_effective',
  ],
  [
    'joint user, on the start date',
    { actor: { roleId: 'B.staff', orgId: 'B' }, purpose: 'P04', today: '2025-04-01' },
    'allowed',
    ['member_code', 'name', 'phone'],
  ],
  [
    'member opted out of the purpose',
    {
      actor: { roleId: 'A.officer', orgId: 'A' },
      purpose: 'P16',
      member: { orgId: 'A', blocks: [{ purposeId: 'A.P16', kind: 'opt_out' }] },
    },
    'member_opted_out',
  ],
  [
    'opt-out of another purpose does not matter',
    {
      actor: { roleId: 'A.officer', orgId: 'A' },
      purpose: 'P04',
      member: { orgId: 'A', blocks: [{ purposeId: 'A.P16', kind: 'opt_out' }] },
    },
    'allowed',
    ['member_code', 'name', 'phone', 'address'],
  ],
  [
    'use stopped (利用停止) wins over opt-out',
    {
      actor: { roleId: 'A.officer', orgId: 'A' },
      purpose: 'P04',
      member: {
        orgId: 'A',
        blocks: [
          { purposeId: 'A.P04', kind: 'opt_out' },
          { purposeId: 'A.P04', kind: 'stopped' },
        ],
      },
    },
    'member_use_stopped',
  ],
  [
    'joint user, member stopped the purpose',
    { actor: { roleId: 'B.staff', orgId: 'B' }, purpose: 'P04', member: { orgId: 'A', blocks: [{ purposeId: 'A.P04', kind: 'stopped' }] } },
    'member_use_stopped',
  ],
  ['role unknown to the policy', { actor: { roleId: 'nobody', orgId: 'A' }, purpose: 'P04' }, 'purpose_not_permitted'],
  [
    'member of an organization without policy',
    { actor: { roleId: 'A.officer', orgId: 'A' }, purpose: 'P04', member: { orgId: 'Z', blocks: [] } },
    'member_out_of_scope',
  ],
];

describe('access engine decisions', () => {
  it.each(table)('%s', (_name, partial, expected, expectedItems) => {
    const decision = engine.decide({ ...base, ...partial });
    if (expected === 'allowed') {
      expect(decision).toMatchObject({ allowed: true });
      if (decision.allowed) expect([...decision.items]).toEqual(expectedItems);
    } else {
      expect(decision).toMatchObject({ allowed: false, code: expected });
    }
  });

  it('names the joint use an access rests on', () => {
    const d = engine.decide({ ...base, actor: { roleId: 'B.staff', orgId: 'B' }, purpose: 'P04' });
    expect(d).toMatchObject({ allowed: true, jointUseId: 'JU-delivery' });
    const own = engine.decide({ ...base, actor: { roleId: 'A.delivery', orgId: 'A' }, purpose: 'P04' });
    expect(own).not.toHaveProperty('jointUseId');
  });

  it('lists the purposes a role may use and the items of a purpose', () => {
    expect(engine.purposesForRole('A.officer', 'A').sort()).toEqual(['P01', 'P04', 'P16']);
    expect(engine.purposesForRole('A.delivery', 'A')).toEqual(['P04']);
    expect(engine.itemsOfPurpose('A', 'P16')).toEqual(['member_code']);
  });

  it('handles organizations with more than 32 items (multi-word bitsets)', () => {
    const many = Array.from({ length: 70 }, (_, i) => `item${i}`);
    const big = new AccessEngine({
      items: many.map((code) => ({ id: code, orgId: 'X', code })),
      purposes: [{ id: 'XP', orgId: 'X', code: 'P1' }],
      purposeItems: ['item0', 'item33', 'item69'].map((itemId) => ({ purposeId: 'XP', itemId })),
      rolePurposes: [{ roleId: 'r', purposeId: 'XP' }],
      jointUse: [],
    });
    const req = {
      actor: { roleId: 'r', orgId: 'X' },
      purpose: 'P1',
      action: 'read' as const,
      today: '2026-01-01',
      member: { orgId: 'X', blocks: [] },
    };
    expect(big.decide(req)).toMatchObject({ allowed: true, items: ['item0', 'item33', 'item69'] });
    expect(big.decide({ ...req, items: ['item34'] })).toMatchObject({ allowed: false, code: 'item_not_in_purpose' });
  });
});

describe('several joint uses covering one purpose', () => {
  const extra: PolicyData = {
    ...policy,
    jointUse: [
      ...policy.jointUse,
      // A second joint use of P04 with B sharing the address too; a third, ended, sharing the bank account.
      {
        id: 'JU-address',
        ownerOrgId: 'A',
        userOrgIds: ['B'],
        purposeIds: ['A.P04'],
        itemIds: ['A.address'],
        startsOn: '2026-01-01',
        endsOn: null,
      },
      {
        id: 'JU-ended',
        ownerOrgId: 'A',
        userOrgIds: ['B'],
        purposeIds: ['A.P04'],
        itemIds: ['A.bank_account'],
        startsOn: '2020-01-01',
        endsOn: '2025-12-31',
      },
    ],
  };
  const several = new AccessEngine(extra);

  it('shares the items of every joint use in effect, within the purpose’s items', () => {
    const d = several.decide({ ...base, actor: { roleId: 'B.staff', orgId: 'B' }, purpose: 'P04' });
    expect(d).toMatchObject({ allowed: true, jointUseId: 'JU-delivery' });
    expect(d.allowed && [...d.items].sort()).toEqual(['address', 'member_code', 'name', 'phone']);
  });

  it('drops a joint use before its start date', () => {
    const d = several.decide({ ...base, today: '2025-12-31', actor: { roleId: 'B.staff', orgId: 'B' }, purpose: 'P04' });
    expect(d.allowed && [...d.items].sort()).toEqual(['member_code', 'name', 'phone']);
  });
});

describe('data subjects and per-purpose items of a joint use (issue 12 §2)', () => {
  const codes = ['member_code', 'name', 'address', 'bank_account'];
  const data: PolicyData = {
    items: codes.map((code) => ({ id: `A.${code}`, orgId: 'A', code })),
    purposes: [
      { id: 'A.P01', orgId: 'A', code: 'P01' },
      { id: 'A.P14', orgId: 'A', code: 'P14' },
      // 役職員の雇用管理: a purpose for staff only.
      { id: 'A.P30', orgId: 'A', code: 'P30', forMembers: false },
    ],
    purposeItems: [
      ...codes.map((code) => ({ purposeId: 'A.P01', itemId: `A.${code}` })),
      ...codes.map((code) => ({ purposeId: 'A.P14', itemId: `A.${code}` })),
      ...codes.map((code) => ({ purposeId: 'A.P30', itemId: `A.${code}` })),
    ],
    rolePurposes: ['P01', 'P14', 'P30'].flatMap((p) => [
      { roleId: 'A.officer', purposeId: `A.${p}` },
      { roleId: 'B.staff', purposeId: `A.${p}` },
    ]),
    jointUse: [
      {
        id: 'JU-all',
        ownerOrgId: 'A',
        userOrgIds: ['A', 'B'],
        purposeIds: ['A.P01', 'A.P14'],
        itemIds: codes.map((c) => `A.${c}`),
        // The bank account for ⑭ only: ⑭ gets the account and the code, ① keeps every item of the joint use.
        purposeItems: [
          { purposeId: 'A.P14', itemId: 'A.bank_account' },
          { purposeId: 'A.P14', itemId: 'A.member_code' },
        ],
        startsOn: '2025-04-01',
        endsOn: null,
      },
    ],
  };
  const e = new AccessEngine(data);
  const ask = (actor: AccessRequest['actor'], purpose: string, items?: string[]) =>
    e.decide({ actor, purpose, action: 'read', today: '2026-12-04', member: { orgId: 'A', blocks: [] }, ...(items ? { items } : {}) });
  const officer = { roleId: 'A.officer', orgId: 'A' };
  const joint = { roleId: 'B.staff', orgId: 'B' };

  it('refuses a purpose that concerns no one in the member ledger, even to the organization itself', () => {
    expect(ask(officer, 'P30')).toMatchObject({ allowed: false, code: 'purpose_not_for_members' });
    expect(ask(joint, 'P30')).toMatchObject({ allowed: false, code: 'purpose_not_for_members' });
    expect(ask(officer, 'P01')).toMatchObject({ allowed: true });
  });

  it('gives a joint user only the items declared for the purpose, where the joint use narrows them', () => {
    expect(ask(joint, 'P14')).toMatchObject({ allowed: true, items: ['member_code', 'bank_account'] });
    expect(ask(joint, 'P14', ['address'])).toMatchObject({ allowed: false, code: 'item_not_in_purpose' });
    expect(ask(joint, 'P01')).toMatchObject({ allowed: true, items: codes });
    // The organization's own staff are not bound by the joint use's lists.
    expect(ask(officer, 'P14')).toMatchObject({ allowed: true, items: codes });
  });
});
