/**
 * The privacy rule itself (domain/privacy.ts), pure: who sees the citizen in full, masked or not at all, for
 * every role and every kind of protected case, and what free text looks like to each.
 */
import type { CaseState } from '../../../domain/case';
import { UNMASKED_PHONE_ROLES } from '../../../domain/permissions';
import {
  citizenAs,
  citizenVisibility,
  CONCEALED,
  isProtected,
  maskIdNumber,
  maskNumbers,
  redactCase,
  redactText,
  type PrivacyFacts,
} from '../../../domain/privacy';
import { ROLES, type Actor, type Role } from '../../../domain/roles';
import { HOUSING, TRANSPORT } from '../../support/personas';

const citizen = { name: '张秘密', phone: '13800001234' };

const person = (roles: Role[], unit?: string): Pick<Actor, 'roles' | 'unit'> => ({ roles, ...(unit ? { unit } : {}) });
const facts = (over: Partial<PrivacyFacts> = {}): PrivacyFacts => ({
  confidential: false,
  type: 'complaint',
  about: undefined,
  unit: HOUSING,
  ...over,
});

describe('citizenVisibility', () => {
  test('an ordinary case: operators and supervisors in full, everyone else masked (the list in permissions.ts)', () => {
    expect([...UNMASKED_PHONE_ROLES].sort()).toEqual(['operator', 'supervisor']);
    for (const role of ROLES) {
      const unit = role === 'handler' ? HOUSING : undefined;
      expect({ role, v: citizenVisibility(facts(), person([role], unit)) }).toEqual({
        role,
        v: UNMASKED_PHONE_ROLES.has(role) ? 'full' : 'masked',
      });
    }
  });

  const protectedCases: [string, Partial<PrivacyFacts>][] = [
    ['confidential', { confidential: true }],
    ['a report', { type: 'report' }],
    ['about the handling unit', { about: HOUSING }],
    ['about another unit', { about: TRANSPORT }],
  ];

  test.each(protectedCases)("%s: the assigned unit's people see nothing; the hotline centre and supervisors as usual", (_label, over) => {
    const c = facts(over);
    expect(isProtected(c)).toBe(true);
    expect(citizenVisibility(c, person(['handler'], HOUSING))).toBe('hidden');
    // "that unit's people", whatever else they hold: a handler who is also a supervisor still does not learn who complained
    expect(citizenVisibility(c, person(['handler', 'supervisor'], HOUSING))).toBe('hidden');
    expect(citizenVisibility(c, person(['operator']))).toBe('full');
    expect(citizenVisibility(c, person(['supervisor']))).toBe('full');
    for (const role of ['dispatcher', 'reviewer', 'admin'] as Role[]) expect(citizenVisibility(c, person([role]))).toBe('masked');
    // another unit's handler (it cannot open the case at all; were it shown, masked)
    expect(citizenVisibility(c, person(['handler'], 'health'))).toBe('masked');
  });

  test('the unit a complaint is about sees nothing, even before (or without) the case being assigned to it', () => {
    expect(citizenVisibility(facts({ about: TRANSPORT, unit: HOUSING }), person(['handler'], TRANSPORT))).toBe('hidden');
    expect(citizenVisibility(facts({ about: TRANSPORT, unit: null }), person(['handler'], TRANSPORT))).toBe('hidden');
    expect(citizenVisibility(facts({ about: TRANSPORT, unit: null }), person(['handler'], HOUSING))).toBe('masked');
  });

  test('an ordinary case assigned to the unit: its handler sees the name and a masked phone', () => {
    expect(citizenVisibility(facts(), person(['handler'], HOUSING))).toBe('masked');
  });
});

describe('what each visibility shows', () => {
  test('citizenAs', () => {
    expect(citizenAs(citizen, 'full')).toEqual(citizen);
    expect(citizenAs(citizen, 'masked')).toEqual({ name: '张秘密', phone: '138****1234' });
    expect(citizenAs(citizen, 'hidden')).toEqual({ name: CONCEALED, phone: CONCEALED });
  });

  test('phone and ID numbers in free text: masked for masked and hidden, untouched in full', () => {
    const text = '张秘密说：我的电话 13800001234，另一个 15912345678，身份证 51202219900101123X，编号 LZ-2026-000123，座机 0832-1234567';
    expect(redactText(text, citizen, 'full')).toBe(text);
    const masked = redactText(text, citizen, 'masked');
    expect(masked).toBe(
      '张秘密说：我的电话 138****1234，另一个 159****5678，身份证 512***********123X，编号 LZ-2026-000123，座机 0832-1234567',
    );
    const hidden = redactText(text, citizen, 'hidden');
    expect(hidden).not.toContain('张秘密');
    expect(hidden).not.toContain('13800001234');
    expect(hidden).not.toContain('138****1234');
    expect(hidden).toContain(`${CONCEALED}说`);
    expect(hidden).toContain('159****5678');
  });

  test("hidden: the citizen's own phone however written, but a one-character name is left (it would shred the text)", () => {
    expect(redactText('来电 138-0000-1234 反映', citizen, 'hidden')).toBe(`来电 ${CONCEALED} 反映`);
    expect(redactText('李说路灯坏了', { name: '李', phone: '0832123' }, 'hidden')).toBe('李说路灯坏了');
  });

  test('longer digit runs (ids, amounts) are not taken for phone numbers', () => {
    expect(maskNumbers('金额 138000012345 元；案号 913800001234')).toBe('金额 138000012345 元；案号 913800001234');
    expect(maskIdNumber('51202219900101123X')).toBe('512***********123X');
  });

  test('redactCase reaches the timeline, reviews, result and a pending extension, and leaves ids alone', () => {
    const state = {
      id: '13800001234abcde',
      title: '张秘密的诉求',
      content: '电话13800001234',
      location: '张秘密家门口',
      result: '已回电13800001234',
      timeline: [{ at: 'x', by: { id: 'op', name: '李话务' }, action: 'register', note: '张秘密来电' }],
      reviews: [{ level: 1, decision: 'reject', by: { id: 'r', name: 'r' }, at: 'x', comment: '请联系张秘密' }],
      extension: {
        pending: { workingDays: 1, reason: '等张秘密回复', by: { id: 'h', name: 'h' }, at: 'x' },
        approvedCount: 0,
        approvedDays: 0,
      },
    } as unknown as CaseState;
    const out = redactCase(state, citizen, 'hidden');
    const { id: _id, ...rest } = out;
    expect(JSON.stringify(rest)).not.toMatch(/张秘密|13800001234|138\*\*\*\*1234/);
    expect(out.id).toBe('13800001234abcde');
    expect(redactCase(state, citizen, 'full')).toBe(state);
  });
});
