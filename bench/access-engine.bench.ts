/**
 * The access engine in process: decisions per second for a policy of 10 roles × 20 purposes × 30 items,
 * over a realistic mix of requests (own staff, a joint user, another co-op's staff; allowed purposes, refused
 * purposes, items outside the purpose, opt-outs and stops), compared with Cedar deciding the same rules.
 *
 * Cedar model: principal `User` {role, org}; resource `Member` {org, blocked: set of purpose actions};
 * action per purpose code (`Action::"P04"`); context {items: requested item codes, today: yyyymmdd}. One
 * permit per (organization, purpose) naming the roles granted it and the purpose's items, one per (joint use,
 * purpose) with the joint use's organizations, dates and item intersection, and one forbid for blocked
 * purposes. Both engines must agree on every sampled request before they are timed.
 */
import { preparsePolicySet, type StatefulAuthorizationCall, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import { AccessEngine } from '../src/modules/access/decide.ts';
import type { AccessRequest, PolicyData } from '../src/modules/access/policy.ts';
import { rng } from '../src/modules/demo/synthetic.ts';
import type { BenchResult } from './types.ts';

const TARGET = 500_000;
const TODAY = '2026-11-22';
const r = rng(42);
const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const sample = <T>(list: readonly T[], n: number): T[] => {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
};
const pad = (n: number) => String(n).padStart(2, '0');

// --- The policy: co-op A (owner), federation B (joint user of A's members), unrelated co-op C -------------
const itemCodes = Array.from({ length: 30 }, (_, i) => `item_${pad(i + 1)}`);
const purposeCodes = Array.from({ length: 20 }, (_, i) => `P${pad(i + 1)}`);
const roles: { id: string; org: string }[] = [
  ...Array.from({ length: 7 }, (_, i) => ({ id: `A.role${i + 1}`, org: 'A' })),
  { id: 'B.kyosai', org: 'B' },
  { id: 'B.service', org: 'B' },
  { id: 'C.staff', org: 'C' },
];

function buildPolicy(): PolicyData {
  const policy: PolicyData = { purposes: [], items: [], purposeItems: [], rolePurposes: [], jointUse: [] };
  for (const org of ['A', 'C']) {
    for (const code of itemCodes) policy.items.push({ id: `${org}.${code}`, orgId: org, code });
    for (const code of purposeCodes) {
      policy.purposes.push({ id: `${org}.${code}`, orgId: org, code });
      for (const item of sample(itemCodes, 5 + Math.floor(r() * 16)))
        policy.purposeItems.push({ purposeId: `${org}.${code}`, itemId: `${org}.${item}` });
    }
  }
  for (const role of roles) {
    if (role.org === 'B') continue;
    for (const code of sample(purposeCodes, 3 + Math.floor(r() * 8)))
      policy.rolePurposes.push({ roleId: role.id, purposeId: `${role.org}.${code}` });
  }
  // The federation's staff are granted some of A's purposes: P14/P15 under a joint use in effect, P18 under one
  // that starts in 2030, P03 under none (so refused as out of scope).
  for (const code of ['P14', 'P15', 'P18']) policy.rolePurposes.push({ roleId: 'B.kyosai', purposeId: `A.${code}` });
  for (const code of ['P14', 'P03']) policy.rolePurposes.push({ roleId: 'B.service', purposeId: `A.${code}` });
  policy.jointUse.push(
    {
      id: 'JU-kyosai',
      ownerOrgId: 'A',
      userOrgIds: ['A', 'B'],
      purposeIds: ['A.P14', 'A.P15'],
      itemIds: sample(itemCodes, 14).map((c) => `A.${c}`),
      startsOn: '2022-06-10',
      endsOn: null,
    },
    {
      id: 'JU-future',
      ownerOrgId: 'A',
      userOrgIds: ['B'],
      purposeIds: ['A.P18'],
      itemIds: sample(itemCodes, 6).map((c) => `A.${c}`),
      startsOn: '2030-04-01',
      endsOn: '2035-03-31',
    },
  );
  return policy;
}

// --- Requests --------------------------------------------------------------------------------------------
type Member = AccessRequest['member'] & { id: string };

function buildMembers(n: number): Member[] {
  return Array.from({ length: n }, (_, i) => {
    const org = r() < 0.9 ? 'A' : 'C';
    const blocks: { purposeId: string; kind: 'opt_out' | 'stopped' }[] = [];
    if (r() < 0.15)
      for (const code of sample(purposeCodes, 1 + Math.floor(r() * 2))) blocks.push({ purposeId: `${org}.${code}`, kind: 'opt_out' });
    if (r() < 0.03) blocks.push({ purposeId: `${org}.${pick(purposeCodes)}`, kind: 'stopped' });
    return { id: `m${i}`, orgId: org, blocks, status: 'active' };
  });
}

function buildRequests(policy: PolicyData, members: Member[], n: number): AccessRequest[] {
  const granted = new Map<string, string[]>();
  for (const rp of policy.rolePurposes) granted.set(rp.roleId, [...(granted.get(rp.roleId) ?? []), rp.purposeId.split('.')[1]!]);
  const itemsOf = new Map<string, string[]>();
  for (const pi of policy.purposeItems) itemsOf.set(pi.purposeId, [...(itemsOf.get(pi.purposeId) ?? []), pi.itemId.split('.')[1]!]);
  const out: AccessRequest[] = [];
  for (let i = 0; i < n; i++) {
    const role = pick(roles);
    // Staff mostly open their own co-op's members; the federation only A's.
    const pool = role.org === 'C' ? (r() < 0.8 ? 'C' : 'A') : role.org === 'B' ? 'A' : r() < 0.95 ? 'A' : 'C';
    let member = pick(members);
    while (member.orgId !== pool) member = pick(members);
    const roll = r();
    const purpose = roll < 0.75 ? pick(granted.get(role.id)!) : roll < 0.98 ? pick(purposeCodes) : 'P99';
    const purposeItems = itemsOf.get(`${member.orgId}.${purpose}`) ?? itemCodes;
    const itemRoll = r();
    const items =
      itemRoll < 0.4
        ? undefined
        : itemRoll < 0.9
          ? sample(purposeItems, 1 + Math.floor(r() * 4))
          : itemRoll < 0.99
            ? sample(itemCodes, 1 + Math.floor(r() * 4))
            : ['my_number'];
    out.push({
      actor: { roleId: role.id, orgId: role.org },
      purpose,
      action: 'read',
      ...(items ? { items } : {}),
      member,
      today: TODAY,
    });
  }
  return out;
}

// --- The same rules in Cedar -------------------------------------------------------------------------------
const str = (s: string) => JSON.stringify(s);
const set = (xs: readonly string[]) => `[${xs.map(str).join(', ')}]`;
const dayNumber = (d: string) => Number(d.replaceAll('-', ''));

function cedarPolicies(policy: PolicyData): string {
  const purposeById = new Map(policy.purposes.map((p) => [p.id, p]));
  const itemCode = new Map(policy.items.map((i) => [i.id, i.code]));
  const rolesOf = new Map<string, string[]>();
  for (const rp of policy.rolePurposes) rolesOf.set(rp.purposeId, [...(rolesOf.get(rp.purposeId) ?? []), rp.roleId]);
  const itemsOf = new Map<string, string[]>();
  for (const pi of policy.purposeItems) itemsOf.set(pi.purposeId, [...(itemsOf.get(pi.purposeId) ?? []), itemCode.get(pi.itemId)!]);
  const roleOrg = new Map(roles.map((x) => [x.id, x.org]));
  const out: string[] = [];
  for (const p of policy.purposes) {
    const own = (rolesOf.get(p.id) ?? []).filter((role) => roleOrg.get(role) === p.orgId);
    if (own.length === 0) continue;
    out.push(`@id(${str(`${p.id}`)})
permit (principal, action == Action::${str(p.code)}, resource)
when {
  resource.org == ${str(p.orgId)} && principal.org == ${str(p.orgId)} &&
  ${set(own)}.contains(principal.role) &&
  ${set(itemsOf.get(p.id) ?? [])}.containsAll(context.items)
};`);
  }
  for (const ju of policy.jointUse) {
    const users = ju.userOrgIds.filter((o) => o !== ju.ownerOrgId);
    const juItems = new Set(ju.itemIds.map((i) => itemCode.get(i)!));
    for (const purposeId of ju.purposeIds) {
      const p = purposeById.get(purposeId)!;
      const granted = (rolesOf.get(purposeId) ?? []).filter((role) => users.includes(roleOrg.get(role)!));
      if (granted.length === 0) continue;
      out.push(`@id(${str(`${ju.id}.${p.code}`)})
permit (principal, action == Action::${str(p.code)}, resource)
when {
  resource.org == ${str(ju.ownerOrgId)} && ${set(users)}.contains(principal.org) &&
  ${set(granted)}.contains(principal.role) &&
  context.today >= ${dayNumber(ju.startsOn)}${ju.endsOn ? ` && context.today <= ${dayNumber(ju.endsOn)}` : ''} &&
  ${set((itemsOf.get(purposeId) ?? []).filter((i) => juItems.has(i)))}.containsAll(context.items)
};`);
    }
  }
  out.push(`@id("blocked")
forbid (principal, action, resource) when { resource.blocked.contains(action) };`);
  return out.join('\n\n');
}

function cedarCall(policy: PolicyData, req: AccessRequest): StatefulAuthorizationCall {
  const code = new Map(policy.purposes.map((p) => [p.id, p.code]));
  const member = req.member as Member;
  const principal = { type: 'User', id: `${req.actor.roleId}@${req.actor.orgId}` };
  const resource = { type: 'Member', id: member.id };
  return {
    principal,
    action: { type: 'Action', id: req.purpose },
    resource,
    context: { items: [...(req.items ?? [])], today: dayNumber(req.today) },
    preparsedPolicySetId: 'mamori',
    entities: [
      { uid: principal, attrs: { role: req.actor.roleId, org: req.actor.orgId }, parents: [] },
      {
        uid: resource,
        attrs: { org: member.orgId, blocked: member.blocks.map((b) => ({ __entity: { type: 'Action', id: code.get(b.purposeId)! } })) },
        parents: [],
      },
    ],
  };
}

// --- Timing ------------------------------------------------------------------------------------------------
/** Runs `step(i)` in rounds of ~`roundMs`, returns the median rate per second. */
function rate(step: (i: number) => number, roundMs: number, rounds: number): { perSecond: number; sink: number } {
  let sink = 0;
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < roundMs) {
      for (let k = 0; k < 1000; k++) sink += step(n++);
      now = performance.now();
    }
    rates.push((n * 1000) / (now - start));
  }
  rates.sort((a, b) => a - b);
  return { perSecond: rates[Math.floor(rates.length / 2)]!, sink };
}

export default async function run(): Promise<BenchResult[]> {
  const policy = buildPolicy();
  const members = buildMembers(2000);
  const requests = buildRequests(policy, members, 20_000);
  const engine = new AccessEngine(policy);

  const parsed = preparsePolicySet('mamori', { staticPolicies: cedarPolicies(policy) });
  if (parsed.type !== 'success') throw new Error(`Cedar policy: ${JSON.stringify(parsed.errors)}`);
  const calls = requests.map((req) => cedarCall(policy, req));

  // Both must give the same answer on every request before either is timed.
  const outcomes = new Map<string, number>();
  let allowed = 0;
  for (let i = 0; i < requests.length; i++) {
    const d = engine.decide(requests[i]!);
    const c = statefulIsAuthorized(calls[i]!);
    if (c.type !== 'success') throw new Error(`Cedar failed on request ${i}: ${JSON.stringify(c.errors)}`);
    if ((c.response.decision === 'allow') !== d.allowed) {
      throw new Error(
        `engine and Cedar disagree on request ${i}: ${JSON.stringify(requests[i])} → ${JSON.stringify(d)} vs ${c.response.decision}`,
      );
    }
    const key = d.allowed ? 'allowed' : d.code;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (d.allowed) allowed++;
  }
  const mix = [...outcomes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${Math.round((v / requests.length) * 100)}%`);
  console.log(`  ${requests.length.toLocaleString()} requests, same answers from both; mix: ${mix.join(', ')}`);

  const mask = requests.length;
  const ours = rate((i) => (engine.decide(requests[i % mask]!).allowed ? 1 : 0), 1000, 5);
  const cedar = rate(
    (i) => {
      const a = statefulIsAuthorized(calls[i % mask]!);
      return a.type === 'success' && a.response.decision === 'allow' ? 1 : 0;
    },
    1000,
    3,
  );
  const ratio = ours.perSecond / cedar.perSecond;
  console.log(
    `  engine ${Math.round(ours.perSecond).toLocaleString()}/s, Cedar ${Math.round(cedar.perSecond).toLocaleString()}/s: ×${ratio.toFixed(1)} (sinks ${ours.sink}, ${cedar.sink})`,
  );
  const shape = `10 roles × 20 purposes × 30 items, 2 joint uses; ${Math.round((allowed / requests.length) * 100)}% allowed`;
  return [
    {
      name: 'access decisions in process',
      target: `≥ ${TARGET.toLocaleString('en-US')}/s`,
      value: Math.round(ours.perSecond),
      unit: 'decisions/s',
      ok: ours.perSecond >= TARGET,
      notes: `${shape}; median of 5 × 1 s`,
    },
    {
      name: 'engine vs Cedar (same rules)',
      target: '> 1× Cedar',
      value: Math.round(ratio * 10) / 10,
      unit: '×',
      ok: ratio > 1,
      notes: `Cedar ${Math.round(cedar.perSecond).toLocaleString('en-US')}/s (cedar-wasm, preparsed policy set); answers identical on ${requests.length.toLocaleString('en-US')} requests`,
    },
  ];
}
