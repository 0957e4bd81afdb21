import { drawSample, sampleSize } from '../../domain/sampling';
import { roundPeriod } from '../../domain/spot-check-period';
import { textSimilarity } from '../../domain/similarity';

const population = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `case-${String(i).padStart(3, '0')}`, ledgerNo: `LZ-2026-${i}` }));
const idsOf = (xs: { id: string }[]) => xs.map((x) => x.id);

describe('sampleSize (定期抽查: rate, at least min, never more than there are)', () => {
  test.each([
    [40, 0.05, 1, 2],
    [10, 0.05, 1, 1],
    [0, 0.05, 1, 0],
    [0, 0.1, 3, 0],
    [2, 0.05, 5, 2],
    [100, 0.05, 1, 5],
    [101, 0.05, 1, 6],
    [20, 0.1, 1, 2],
    [21, 0.1, 1, 3],
    [7, 0, 1, 1],
    [7, 0, 0, 0],
    [7, 1, 1, 7],
  ])('sampleSize(%d, %d, %d) = %d', (n, rate, min, expected) => {
    expect(sampleSize(n, rate, min)).toBe(expected);
  });
});

describe('drawSample', () => {
  const pop = population(40);

  test('takes sampleSize items, all distinct members of the population', () => {
    const s = drawSample(pop, 0.25, 1, 'month-2026-11');
    expect(s).toHaveLength(10);
    expect(new Set(idsOf(s)).size).toBe(10);
    for (const c of s) expect(pop).toContainEqual(c);
  });

  test('is reproducible: the same seed and population give the same sample', () => {
    expect(idsOf(drawSample(pop, 0.25, 1, 'month-2026-11'))).toEqual(idsOf(drawSample(pop, 0.25, 1, 'month-2026-11')));
  });

  test('does not depend on the order the population comes in', () => {
    const reversed = [...pop].reverse();
    const interleaved = [...pop.filter((_, i) => i % 2 === 1), ...pop.filter((_, i) => i % 2 === 0)];
    const expected = idsOf(drawSample(pop, 0.25, 1, 'day-2026-11-25T02:00'));
    expect(idsOf(drawSample(reversed, 0.25, 1, 'day-2026-11-25T02:00'))).toEqual(expected);
    expect(idsOf(drawSample(interleaved, 0.25, 1, 'day-2026-11-25T02:00'))).toEqual(expected);
  });

  test('another seed draws another sample (over several seeds, not all the same)', () => {
    const seeds = ['month-2026-09', 'month-2026-10', 'month-2026-11', 'month-2026-12', 'week-2026-11-23T18:00'];
    const samples = seeds.map((seed) =>
      idsOf(drawSample(pop, 0.25, 1, seed))
        .sort()
        .join(','),
    );
    // Each pair of seeds is overwhelmingly likely to differ; require most of them to be distinct, and the first two to differ.
    expect(new Set(samples).size).toBeGreaterThanOrEqual(4);
    expect(samples[0]).not.toEqual(samples[1]);
  });

  test('does not modify its input; an empty population gives an empty sample', () => {
    const copy = pop.map((c) => ({ ...c }));
    drawSample(pop, 0.5, 1, 's');
    expect(pop).toEqual(copy);
    expect(drawSample([], 0.05, 1, 's')).toEqual([]);
  });
});

describe('roundPeriod (Asia/Shanghai)', () => {
  test('monthly round at 02:00 Shanghai on the 1st covers the previous calendar month', () => {
    const p = roundPeriod('month', new Date('2026-12-01T02:00:00+08:00'));
    expect(p.from.toISOString()).toBe(new Date('2026-11-01T00:00:00+08:00').toISOString());
    expect(p.to.toISOString()).toBe(new Date('2026-12-01T00:00:00+08:00').toISOString());
    expect(p.round).toBe('month-2026-11');
  });

  test('just after midnight Shanghai (still the previous day in UTC) it is already the new month', () => {
    const p = roundPeriod('month', new Date('2026-12-01T00:30:00+08:00'));
    expect(p.round).toBe('month-2026-11');
    expect(p.to.toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });

  test('the January round covers December of the year before', () => {
    const p = roundPeriod('month', new Date('2027-01-01T02:00:00+08:00'));
    expect(p).toEqual({ round: 'month-2026-12', from: new Date('2026-12-01T00:00:00+08:00'), to: new Date('2027-01-01T00:00:00+08:00') });
  });

  test('a rerun later in the same month is the same round', () => {
    expect(roundPeriod('month', new Date('2026-12-15T10:00:00+08:00'))).toEqual(
      roundPeriod('month', new Date('2026-12-01T02:00:00+08:00')),
    );
  });

  test('daily and weekly rounds look back 1 and 7 days from the run', () => {
    const at = new Date('2026-11-25T02:00:00+08:00');
    const d = roundPeriod('day', at);
    expect(d.to).toEqual(at);
    expect(d.to.getTime() - d.from.getTime()).toBe(86_400_000);
    expect(d.round).toMatch(/^day-[0-9T:-]+$/);
    const w = roundPeriod('week', at);
    expect(w.to.getTime() - w.from.getTime()).toBe(7 * 86_400_000);
    expect(w.round).toMatch(/^week-[0-9T:-]+$/);
    // The round id matches what GET /spot-checks?round= accepts.
    for (const r of [d.round, w.round, 'month-2026-11']) expect(r).toMatch(/^[a-z]+-[0-9T:-]+$/);
  });
});

describe('textSimilarity (并单)', () => {
  test('identical texts are 1, texts with no bigram in common are 0', () => {
    expect(textSimilarity('小区楼道灯长期不亮', '小区楼道灯长期不亮')).toBe(1);
    expect(textSimilarity('小区楼道灯长期不亮', '医保报销咨询')).toBe(0);
  });

  test('is symmetric and between 0 and 1', () => {
    const a = '天池街道某小区3栋楼道灯坏了两个月，物业不修。';
    const b = '天池街道某小区3栋的楼道灯坏了快两个月了，物业一直不修';
    expect(textSimilarity(a, b)).toBe(textSimilarity(b, a));
    expect(textSimilarity(a, b)).toBeGreaterThan(0.5);
    expect(textSimilarity(a, b)).toBeLessThan(1);
  });

  test('ignores whitespace, punctuation and case', () => {
    expect(textSimilarity('楼道灯，不亮！', '楼道 灯不亮')).toBe(1);
    expect(textSimilarity('Street Light', 'streetlight')).toBe(1);
  });

  test('empty texts are alike; a single character compares as itself', () => {
    expect(textSimilarity('', '')).toBe(1);
    expect(textSimilarity('。', '')).toBe(1);
    expect(textSimilarity('灯', '灯')).toBe(1);
    expect(textSimilarity('灯', '水')).toBe(0);
    expect(textSimilarity('', '灯')).toBe(0);
  });
});
