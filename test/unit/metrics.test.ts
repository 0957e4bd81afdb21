/**
 * Unit metrics (domain/metrics.ts) over a fixture of 40 case summaries with known outcomes. Every expected
 * figure below was counted by hand from the fixture (see the comments), not computed by the code under test.
 */
import { csvField, csvLine, ledgerFileName } from '../../api/ledger-export';
import type { ListedCase } from '../../domain/summary';
import type { Satisfaction, Stage } from '../../domain/case';
import { computeUnitMetrics, rate, resolvePeriod } from '../../domain/metrics';
import { UnitDirectory } from '../../domain/units';

const units = new UnitDirectory([
  { code: 'housing', name: '县住建局' },
  { code: 'transport', name: '县交通运输局' },
  { code: 'health', name: '县卫健局' },
  { code: 'education', name: '县教体局' },
]);

let seq = 0;
function kase(
  id: string,
  unit: string | null,
  stage: Stage,
  flags: string[],
  more: { sat?: Satisfaction; reopen?: number; overdue?: boolean } = {},
): ListedCase {
  seq++;
  return {
    id,
    ledgerNo: `LZ-2026-${String(seq).padStart(6, '0')}`,
    stage,
    type: 'complaint',
    channel: 'hotline',
    unit,
    urgent: false,
    reviewLevel: stage === 'reviewing' ? 1 : null,
    reopenCount: more.reopen ?? 0,
    registeredAt: '2026-11-03T02:00:00.000Z',
    stageSince: '2026-11-04T02:00:00.000Z',
    dueAt: null,
    overdue: more.overdue ?? false,
    redFlag: false,
    flags,
    satisfaction: more.sat ?? null,
    closedAt: stage === 'closed' ? '2026-11-20T02:00:00.000Z' : null,
    title: id,
    status: 'RUNNING',
  };
}

const S = 'signed';
const C = 'completed';
const fixture: ListedCase[] = [
  // 县住建局: 14 cases
  kase('H1', 'housing', 'closed', [S, C, 'resolved'], { sat: 'satisfied' }),
  kase('H2', 'housing', 'closed', [S, C, 'resolved'], { sat: 'satisfied' }),
  kase('H3', 'housing', 'closed', [S, C, 'resolved'], { sat: 'basically_satisfied' }),
  kase('H4', 'housing', 'closed', [S, 'signed_late', 'overdue_ever', C, 'unresolved'], { sat: 'satisfied' }),
  kase('H5', 'housing', 'closed', [S, C, 'completed_late', 'overdue_ever', 'resolved'], { sat: 'satisfied', reopen: 1 }),
  kase('H6', 'housing', 'rectifying', [S, C, 'unresolved'], { sat: 'dissatisfied', reopen: 1 }),
  kase('H7', 'housing', 'closed', [S, C, 'completed_late', 'overdue_ever', 'red_flag_ever'], { sat: 'unreachable' }),
  kase('H8', 'housing', 'replied', [S, C]),
  kase('H9', 'housing', 'reviewing', [S]),
  kase('H10', 'housing', 'rectifying', [S, 'signed_late', 'overdue_ever'], { overdue: true }),
  kase('H11', 'housing', 'assigned', ['overdue_ever'], { overdue: true }),
  kase('H12', 'housing', 'assigned', []),
  kase('H13', 'housing', 'rectifying', [S, 'returned_by:transport']),
  kase('H14', 'housing', 'closed', [S, C, 'resolved', 'spot_check_passed', 'spot_check_round:2026-10'], { sat: 'satisfied', reopen: 2 }),
  // 县交通运输局: 9 cases
  kase('T1', 'transport', 'closed', [S, C, 'resolved'], { sat: 'satisfied' }),
  kase('T2', 'transport', 'deciding', [S, 'signed_late', C, 'completed_late', 'overdue_ever', 'red_flag_ever', 'unresolved'], {
    sat: 'dissatisfied',
    reopen: 2,
  }),
  kase('T3', 'transport', 'closed', [S, C, 'unresolved'], { sat: 'basically_satisfied' }),
  kase('T4', 'transport', 'closed', [S, C], { sat: 'unreachable' }),
  kase('T5', 'transport', 'rectifying', [S]),
  kase('T6', 'transport', 'assigned', ['overdue_ever'], { overdue: true }),
  kase('T7', 'transport', 'rectifying', [S, 'returned_by:health']),
  kase('T8', 'transport', 'closed', [S, C, 'resolved', 'returned_by:housing', 'returned_by:health'], { sat: 'satisfied' }),
  kase('T9', 'transport', 'replied', [S, C]),
  // 县卫健局: 6 cases
  kase('L1', 'health', 'closed', [S, C, 'resolved'], { sat: 'satisfied' }),
  kase('L2', 'health', 'rectifying', [S, 'signed_late', 'overdue_ever', 'red_flag_ever']),
  kase('L3', 'health', 'assigned', []),
  kase('L4', 'health', 'closed', [S, C, 'completed_late', 'overdue_ever', 'unresolved'], { sat: 'dissatisfied', reopen: 2 }),
  kase('L5', 'health', 'closed', [S, C, 'resolved', 'returned_by:housing'], { sat: 'basically_satisfied' }),
  kase('L6', 'health', 'assigned', ['returned_by:health']),
  // 话务直办: 4 direct answers
  kase('D1', null, 'closed', [C, 'direct_answer']),
  kase('D2', null, 'closed', [C, 'direct_answer', 'resolved'], { sat: 'satisfied' }),
  kase('D3', null, 'closed', [C, 'direct_answer'], { sat: 'unreachable' }),
  kase('D4', null, 'closed', [C, 'direct_answer']),
  // 并单: 3 merged (the last one with a unit, to show a merged case never counts as received)
  kase('M1', null, 'closed', ['merged']),
  kase('M2', null, 'closed', ['merged', 'returned_by:transport']),
  kase('M3', 'housing', 'closed', ['merged', S, C], { sat: 'satisfied' }),
  // Unassigned: 3 (registered, or returned and awaiting re-assignment)
  kase('U1', null, 'registered', []),
  kase('U2', null, 'registered', ['returned_by:housing']),
  kase('U3', null, 'registered', ['returned_by:old-unit', 'overdue_ever', 'red_flag_ever'], { overdue: true }),
  // A unit code that is no longer in the directory
  kase('X1', 'old-unit', 'closed', [S, C, 'resolved'], { sat: 'satisfied' }),
];

const none = { numerator: 0, denominator: 0, rate: null };

describe('computeUnitMetrics over 40 cases counted by hand', () => {
  const report = computeUnitMetrics(fixture, units);
  const line = (unit: string) => report.units.find((l) => l.unit === unit);

  test('the fixture is 40 cases; merged and unassigned cases are counted apart', () => {
    expect(fixture).toHaveLength(40);
    expect(report).toMatchObject({ registered: 40, merged: 3, unassigned: 3 });
    // 14 + 9 + 6 + 0 + 4 + 1 received, + 3 merged + 3 unassigned = 40
    expect(report.units.map((l) => [l.unit, l.name, l.received])).toEqual([
      ['housing', '县住建局', 14],
      ['transport', '县交通运输局', 9],
      ['health', '县卫健局', 6],
      ['education', '县教体局', 0],
      ['hotline', '话务直办', 4],
      ['old-unit', 'old-unit', 1],
    ]);
  });

  test('县住建局', () => {
    expect(line('housing')).toEqual({
      unit: 'housing',
      name: '县住建局',
      received: 14, // H1–H14 (M3 is merged: not received)
      // signed: H1–H10, H13, H14 = 12, late H4 H10 → 10 on time; + H11 unsigned past the deadline = 13
      onTimeSignFor: { numerator: 10, denominator: 13, rate: 0.7692 },
      // completed: H1–H8, H14 = 9, late H5 H7 → 7 on time; + H10 rectifying and overdue = 10
      onTimeCompletion: { numerator: 7, denominator: 10, rate: 0.7 },
      // satisfied H1 H2 H4 H5 H14, basically H3, dissatisfied H6; unreachable H7 not rated
      satisfaction: { numerator: 6, denominator: 7, rate: 0.8571, satisfied: 5, basicallySatisfied: 1, dissatisfied: 1, unreachable: 1 },
      // resolved H1 H2 H3 H5 H14; unresolved H4 H6
      resolution: { numerator: 5, denominator: 7, rate: 0.7143 },
      // returned_by:housing on T8, L5, U2; 14 received + 3 returned
      returns: { numerator: 3, denominator: 17, rate: 0.1765 },
      returnsRefused: 0,
      supported: 0,
      // reopened among the 9 completed: H5, H6, H14
      reopens: { numerator: 3, denominator: 9, rate: 0.3333 },
      overdue: 5, // H4 H5 H7 H10 H11
      redFlags: 1, // H7
    });
  });

  test('县交通运输局', () => {
    expect(line('transport')).toEqual({
      unit: 'transport',
      name: '县交通运输局',
      received: 9,
      // signed: all but T6 = 8, late T2 → 7; + T6 assigned and overdue = 9
      onTimeSignFor: { numerator: 7, denominator: 9, rate: 0.7778 },
      // completed: T1 T2 T3 T4 T8 T9 = 6, late T2 → 5; T5 and T7 are rectifying but not overdue
      onTimeCompletion: { numerator: 5, denominator: 6, rate: 0.8333 },
      // satisfied T1 T8, basically T3, dissatisfied T2 (awaiting a supervisor's decision); unreachable T4
      satisfaction: { numerator: 3, denominator: 4, rate: 0.75, satisfied: 2, basicallySatisfied: 1, dissatisfied: 1, unreachable: 1 },
      resolution: { numerator: 2, denominator: 4, rate: 0.5 }, // T1 T8 / + T2 T3
      // returned_by:transport on H13 and on the merged M2; 9 + 2
      returns: { numerator: 2, denominator: 11, rate: 0.1818 },
      returnsRefused: 0,
      supported: 0,
      reopens: { numerator: 1, denominator: 6, rate: 0.1667 }, // T2
      overdue: 2, // T2 T6
      redFlags: 1, // T2
    });
  });

  test('县卫健局 (it returned one case that came back to it)', () => {
    expect(line('health')).toEqual({
      unit: 'health',
      name: '县卫健局',
      received: 6,
      onTimeSignFor: { numerator: 3, denominator: 4, rate: 0.75 }, // signed L1 L2 L4 L5, late L2; L3 L6 not yet due
      onTimeCompletion: { numerator: 2, denominator: 3, rate: 0.6667 }, // completed L1 L4 L5, late L4
      satisfaction: { numerator: 2, denominator: 3, rate: 0.6667, satisfied: 1, basicallySatisfied: 1, dissatisfied: 1, unreachable: 0 },
      resolution: { numerator: 2, denominator: 3, rate: 0.6667 }, // L1 L5 / + L4
      // returned_by:health on T7, T8 and L6 (L6 came back to it: in received too); 6 + 3
      returns: { numerator: 3, denominator: 9, rate: 0.3333 },
      returnsRefused: 0,
      supported: 0,
      reopens: { numerator: 1, denominator: 3, rate: 0.3333 }, // L4
      overdue: 2, // L2 L4
      redFlags: 1, // L2
    });
  });

  test('a unit without cases: zeros, and every rate null (never 0 or NaN)', () => {
    expect(line('education')).toEqual({
      unit: 'education',
      name: '县教体局',
      received: 0,
      onTimeSignFor: none,
      onTimeCompletion: none,
      satisfaction: { ...none, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0, unreachable: 0 },
      resolution: none,
      returns: none,
      returnsRefused: 0,
      supported: 0,
      reopens: none,
      overdue: 0,
      redFlags: 0,
    });
  });

  test('direct answers count for the hotline (话务直办): completed on time, rated once called back', () => {
    expect(line('hotline')).toEqual({
      unit: 'hotline',
      name: '话务直办',
      received: 4,
      onTimeSignFor: none, // nobody signs for a direct answer
      onTimeCompletion: { numerator: 4, denominator: 4, rate: 1 },
      satisfaction: { numerator: 1, denominator: 1, rate: 1, satisfied: 1, basicallySatisfied: 0, dissatisfied: 0, unreachable: 1 }, // D2; D3 unreachable
      resolution: { numerator: 1, denominator: 1, rate: 1 }, // D2
      returns: { numerator: 0, denominator: 4, rate: 0 },
      returnsRefused: 0,
      supported: 0,
      reopens: { numerator: 0, denominator: 4, rate: 0 },
      overdue: 0,
      redFlags: 0,
    });
  });

  test('a unit code missing from the directory still gets its line, named by its code', () => {
    expect(line('old-unit')).toEqual({
      unit: 'old-unit',
      name: 'old-unit',
      received: 1, // X1
      onTimeSignFor: { numerator: 1, denominator: 1, rate: 1 },
      onTimeCompletion: { numerator: 1, denominator: 1, rate: 1 },
      satisfaction: { numerator: 1, denominator: 1, rate: 1, satisfied: 1, basicallySatisfied: 0, dissatisfied: 0, unreachable: 0 },
      resolution: { numerator: 1, denominator: 1, rate: 1 },
      returns: { numerator: 1, denominator: 2, rate: 0.5 }, // U3 (unassigned now); its overdue/red flag count for nobody
      returnsRefused: 0,
      supported: 0,
      reopens: { numerator: 0, denominator: 1, rate: 0 },
      overdue: 0,
      redFlags: 0,
    });
  });

  test('no cases at all: every line zero, every rate null', () => {
    const empty = computeUnitMetrics([], units);
    expect(empty).toMatchObject({ registered: 0, merged: 0, unassigned: 0 });
    expect(empty.units.map((l) => l.unit)).toEqual(['housing', 'transport', 'health', 'education', 'hotline']);
    for (const l of empty.units)
      for (const r of [l.onTimeSignFor, l.onTimeCompletion, l.satisfaction, l.resolution, l.returns, l.reopens]) expect(r.rate).toBeNull();
  });

  test('a case with `count` n counts as n cases alike (the read model hands over its rows grouped)', () => {
    const tripled = fixture.flatMap((c) => [c, { ...c, id: `${c.id}b` }, { ...c, id: `${c.id}c` }]);
    const weighted = fixture.map((c, i) => ({ ...c, count: i % 2 === 0 ? 3 : 1 })).flatMap((c) => (c.count === 1 ? [c, c, c] : [c]));
    expect(computeUnitMetrics(weighted, units)).toEqual(computeUnitMetrics(tripled, units));
    expect(computeUnitMetrics(weighted, units).registered).toBe(120);
  });

  test("a void call (无效工单) is the centre's count, in no unit's line, not awaiting assignment", () => {
    const base = fixture.find((c) => c.unit === null && !c.flags.includes('merged'))!;
    const voided = { ...base, id: 'void1', stage: 'closed' as Stage, flags: ['voided'], closedAt: base.registeredAt };
    const before = computeUnitMetrics(fixture, units);
    const after = computeUnitMetrics([...fixture, voided], units);
    expect(after).toMatchObject({ registered: before.registered + 1, voided: 1, unassigned: before.unassigned, merged: before.merged });
    expect(after.units).toEqual(before.units);
  });

  test('a refused return counts for the unit that had to keep the case, beside its accepted returns', () => {
    const base = fixture.find((c) => c.unit === 'housing')!;
    const refused = { ...base, id: 'refused1', flags: [...base.flags, 'return_refused:housing'] };
    const after = computeUnitMetrics([...fixture, refused], units);
    expect(after.units.find((l) => l.unit === 'housing')!.returnsRefused).toBe(1);
    expect(after.units.find((l) => l.unit === 'transport')!.returnsRefused).toBe(0);
  });

  test('rate: null for 0/0, rounded to 4 places otherwise', () => {
    expect(rate(0, 0)).toEqual({ numerator: 0, denominator: 0, rate: null });
    expect(rate(0, 3)).toEqual({ numerator: 0, denominator: 3, rate: 0 });
    expect(rate(1, 3)).toEqual({ numerator: 1, denominator: 3, rate: 0.3333 });
    expect(rate(2, 3).rate).toBe(0.6667);
  });
});

describe('periods (Asia/Shanghai dates, to exclusive)', () => {
  test('the default is the current Shanghai month, also when UTC is still in the previous one', () => {
    expect(resolvePeriod({}, new Date('2026-11-25T02:00:00Z'))).toEqual({ from: '2026-11-01', to: '2026-12-01' });
    // 2026-11-30 16:30 UTC is 2026-12-01 00:30 in Shanghai
    expect(resolvePeriod({}, new Date('2026-11-30T16:30:00Z'))).toEqual({ from: '2026-12-01', to: '2027-01-01' });
  });

  test('only from: to the end of its month; only to: from the start of the current month', () => {
    expect(resolvePeriod({ from: '2026-02-10' })).toEqual({ from: '2026-02-10', to: '2026-03-01' });
    expect(resolvePeriod({ to: '2026-11-20' }, new Date('2026-11-25T02:00:00Z'))).toEqual({ from: '2026-11-01', to: '2026-11-20' });
  });

  test('an empty or over-long period names the field', () => {
    expect(resolvePeriod({ from: '2026-11-05', to: '2026-11-05' })).toMatchObject({ field: 'to' });
    expect(resolvePeriod({ from: '2026-11-05', to: '2026-11-01' })).toMatchObject({ field: 'to' });
    expect(resolvePeriod({ from: '2024-01-01', to: '2025-01-01' })).toEqual({ from: '2024-01-01', to: '2025-01-01' }); // 366 days
    expect(resolvePeriod({ from: '2025-01-01', to: '2026-01-03' })).toMatchObject({ field: 'to' });
  });
});

describe('ledger export helpers', () => {
  test('CSV fields: RFC 4180 quoting; formulas neutralised', () => {
    expect(csvField('路灯不亮')).toBe('路灯不亮');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('他说"不修"')).toBe('"他说""不修"""');
    expect(csvField('两行\n文字')).toBe('"两行\n文字"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1+1')).toBe("'-1+1");
    expect(csvField('—')).toBe('—');
    expect(csvField(3)).toBe('3');
    expect(csvLine(['a', 1, ''])).toBe('a,1,\r\n');
  });

  test('file names', () => {
    expect(ledgerFileName({ from: '2026-11-01', to: '2026-12-01' }, 'xlsx')).toBe('ledger-2026-11.xlsx');
    expect(ledgerFileName({ from: '2026-11-01', to: '2026-12-01', unit: 'transport' }, 'csv')).toBe('ledger-2026-11-transport.csv');
    expect(ledgerFileName({ from: '2026-11-03', to: '2026-11-10' }, 'csv')).toBe('ledger-2026-11-03_2026-11-09.csv');
    expect(ledgerFileName({ from: '2026-11-03', to: '2026-11-04' }, 'xlsx')).toBe('ledger-2026-11-03.xlsx');
  });
});
