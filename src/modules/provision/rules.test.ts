import { describe, expect, it } from 'vitest';
import { addYears, PROVISION_CONTRACT_KEEP_YEARS, PROVISION_RECORD_KEEP_YEARS, provisionKeepUntil } from '../../base/rules.ts';

describe('the keeping periods of provision records (Rules 20, 24)', () => {
  it('are 3 years for a record and 1 year where a contract stands in', () => {
    expect(PROVISION_RECORD_KEEP_YEARS).toBe(3);
    expect(PROVISION_CONTRACT_KEEP_YEARS).toBe(1);
    expect(provisionKeepUntil('2026-04-01', 'record')).toBe('2029-04-01');
    expect(provisionKeepUntil('2026-04-01', 'contract')).toBe('2027-04-01');
  });

  it('count from 29 February to the last day of February of a common year', () => {
    expect(addYears('2028-02-29', 3)).toBe('2031-02-28');
    expect(addYears('2028-02-29', 4)).toBe('2032-02-29');
    expect(addYears('2026-12-31', 1)).toBe('2027-12-31');
  });
});
