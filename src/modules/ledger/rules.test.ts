/** The ledger's rules without a database: the review clock (Japan dates, month ends) and the permission table. */
import { describe, expect, it } from 'vitest';
import type { StaffActor } from '../../base/actors.ts';
import type { RoleKind } from '../../contract/roles.ts';
import { assertCanWrite, canWrite, ledgerRules, readScope } from './permissions.ts';
import { addMonths, japanDate, nextReviewOn, reviewStatus } from './schedule.ts';

describe('review clock', () => {
  it('uses the calendar date in Japan', () => {
    expect(japanDate(new Date('2026-06-14T14:59:59Z'))).toBe('2026-06-14');
    expect(japanDate(new Date('2026-06-14T15:00:00Z'))).toBe('2026-06-15');
  });

  it('adds months, keeping deadlines inside the target month', () => {
    expect(addMonths('2025-06-15', 12)).toBe('2026-06-15');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-01-15', -14)).toBe('2024-11-15');
  });

  it('is due the interval after the last review, or after registration', () => {
    expect(nextReviewOn({ lastReviewedOn: '2025-09-01', registeredOn: '2024-01-01', intervalMonths: 12 })).toBe('2026-09-01');
    expect(nextReviewOn({ lastReviewedOn: null, registeredOn: '2026-04-01', intervalMonths: 6 })).toBe('2026-10-01');
  });

  it.each([
    ['2026-08-01', 'ok', 0, 47],
    ['2026-07-15', 'due_soon', 0, 30],
    ['2026-06-15', 'due_soon', 0, 0],
    ['2026-06-14', 'overdue', 1, 0],
    ['2026-05-01', 'overdue', 45, 0],
  ] as const)('deadline %s seen on 2026-06-15 is %s', (deadline, state, daysOverdue, daysLeft) => {
    expect(reviewStatus(deadline, '2026-06-15')).toEqual({ state, daysOverdue, daysLeft });
  });
});

describe('who may use the ledger', () => {
  const actor = (roleKind: RoleKind, departmentId: string | null = 'd-delivery'): StaffActor => ({
    type: 'user',
    id: 'u',
    orgId: 'org',
    roleId: 'r',
    roleKind,
    duties: [],
    login: 'x',
    departmentId,
  });

  it.each([
    // kind, reads, writes own department, writes another department
    ['privacy_officer', { orgId: 'org' }, true, true],
    ['department_manager', { orgId: 'org', departmentId: 'd-delivery' }, true, false],
    ['auditor', { orgId: 'org' }, false, false],
    ['staff', 'forbidden', false, false],
    ['system_admin', 'forbidden', false, false],
  ] as const)('%s', (kind, reads, writesOwn, writesOther) => {
    const a = actor(kind);
    if (reads === 'forbidden') expect(() => readScope(a)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    else expect(readScope(a)).toEqual(reads);
    expect(canWrite(a, 'd-delivery')).toBe(writesOwn);
    expect(canWrite(a, 'd-kyosai')).toBe(writesOther);
  });

  it('names the department refusal apart from a role with no part in the ledger', () => {
    expect(() => assertCanWrite(actor('department_manager'), 'd-kyosai')).toThrow(
      expect.objectContaining({ code: 'ledger_department_forbidden' }),
    );
    expect(() => assertCanWrite(actor('auditor'), 'd-kyosai')).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });

  it('gives a department manager without a department nothing', () => {
    const a = actor('department_manager', null);
    expect(() => readScope(a)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(canWrite(a, 'd-delivery')).toBe(false);
  });

  it('covers every role kind', () => {
    expect(Object.keys(ledgerRules).sort()).toEqual(['auditor', 'department_manager', 'privacy_officer', 'staff', 'system_admin']);
  });
});
