import { HISTORICAL_LEDGER_COLUMNS, historicalCaseOf, importedState, shanghaiInstant, type RowCells } from '../../domain/historical-ledger';
import { policyFrom, DEFAULT_LIMITS } from '../../domain/limits';
import { summaryOf } from '../../domain/summary';
import { DEFAULT_UNITS } from '../../domain/units';
import { historicalWorkbook, readHistoricalSheet } from '../../scripts/historical-sheet';

const NOW = new Date('2026-12-02T06:00:00Z');

const ROW: RowCells = {
  ledgerNo: 'LZRX-202611-0007',
  registeredAt: '2026-11-17 15:50',
  channel: '12345热线',
  type: '举报',
  name: '曹雪梅',
  phone: '15908316642',
  title: '河道漂浮垃圾',
  content: '童家镇段河道上漂满塑料瓶和生活垃圾。',
  location: '童家镇',
  unit: '乐至生态环境局',
  result: '已组织清理河道垃圾约3吨。',
  closedAt: '2026/11/22 10:30',
  onTime: '否',
  satisfaction: '满意',
};

describe("a row of the county's old ledger", () => {
  test('is read with Chinese names, unit names and Shanghai times', () => {
    const read = historicalCaseOf(ROW, DEFAULT_UNITS, NOW);
    expect(read.problems).toBeUndefined();
    expect(read.record).toMatchObject({
      ledgerNo: 'LZRX-202611-0007',
      registeredAt: '2026-11-17T07:50:00.000Z',
      closedAt: '2026-11-22T02:30:00.000Z',
      channel: 'hotline',
      type: 'report',
      unit: 'ecology-environment',
      onTime: false,
      satisfaction: 'satisfied',
      citizen: { name: '曹雪梅', phone: '15908316642' },
    });
  });

  test('names every bad cell at once', () => {
    const read = historicalCaseOf(
      { ...ROW, channel: '微信', unit: '县宣传部', closedAt: '2026-11-31 10:00', onTime: '也许', name: '' },
      DEFAULT_UNITS,
      NOW,
    );
    expect(read.problems?.map((p) => p.column).sort()).toEqual(['channel', 'closedAt', 'name', 'onTime', 'unit']);
    expect(read.problems?.find((p) => p.column === 'unit')?.message).toContain('县宣传部');
  });

  test('refuses a closing before the registration, and one still to come', () => {
    const early = historicalCaseOf({ ...ROW, closedAt: '2026-11-16 09:00' }, DEFAULT_UNITS, NOW);
    expect(early.problems).toEqual([{ column: 'closedAt', message: '办结时间早于登记时间' }]);
    const future = historicalCaseOf({ ...ROW, closedAt: '2026-12-05 09:00' }, DEFAULT_UNITS, NOW);
    expect(future.problems?.[0]).toMatchObject({ column: 'closedAt' });
  });

  test('times: a day alone, seconds, and no rolled-over dates', () => {
    expect(shanghaiInstant('2026-11-03')?.toISOString()).toBe('2026-11-02T16:00:00.000Z');
    expect(shanghaiInstant('2026-11-03 09:30:05')?.toISOString()).toBe('2026-11-03T01:30:05.000Z');
    expect(shanghaiInstant('2026-02-30 09:00')).toBeNull();
    expect(shanghaiInstant('2026-11-03 25:00')).toBeNull();
    expect(shanghaiInstant('yesterday')).toBeNull();
  });
});

describe('an imported case', () => {
  const record = historicalCaseOf(ROW, DEFAULT_UNITS, NOW).record!;
  const state = importedState({
    id: 'imported-1',
    record,
    importedAt: NOW.toISOString(),
    importedBy: { id: 'ledger-import:ops', name: '钱督办' },
    policy: policyFrom(DEFAULT_LIMITS),
    citizenKey: 'k',
  });

  test('starts closed as the ledger records it, open to a spot-check for the window after its closing', () => {
    expect(state).toMatchObject({ stage: 'closed', unit: 'ecology-environment', closedAt: record.closedAt, satisfaction: 'satisfied' });
    const summary = summaryOf(state);
    expect(summary.flags).toEqual(expect.arrayContaining(['completed', 'completed_late', 'overdue_ever']));
    expect(summary.flags).not.toContain('signed');
    expect(summary.spotCheckUntil).toBe(new Date(Date.parse(record.closedAt) + 60 * 86_400_000).toISOString());
  });

  test('its timeline: registered and called back by the old ledger, then imported by whoever ran it', () => {
    expect(state.timeline.map((e) => [e.action, e.by.name])).toEqual([
      ['register', '原台账'],
      ['callback', '原台账'],
      ['import', '钱督办'],
    ]);
    expect(state.timeline[1].note).toMatch(/^satisfied：/);
  });
});

test('a sheet the template writes reads back as the same cases; a bad sheet imports nothing', async () => {
  const record = historicalCaseOf(ROW, DEFAULT_UNITS, NOW).record!;
  const other = { ...record, ledgerNo: 'LZRX-202611-0008', satisfaction: null, location: undefined };
  const bytes = await historicalWorkbook([record, other], DEFAULT_UNITS);
  const read = await readHistoricalSheet(bytes, DEFAULT_UNITS, NOW);
  expect(read.problems).toEqual([]);
  expect(read.records).toEqual([record, { ...other, location: undefined }]);

  const twice = await readHistoricalSheet(await historicalWorkbook([record, record], DEFAULT_UNITS), DEFAULT_UNITS, NOW);
  expect(twice.records).toEqual([]);
  expect(twice.problems).toEqual([{ row: 3, column: HISTORICAL_LEDGER_COLUMNS.ledgerNo, message: '与第 2 行重复' }]);
  expect((await readHistoricalSheet(Buffer.from('not a workbook'), DEFAULT_UNITS, NOW)).problems[0].column).toBe('(file)');
});
