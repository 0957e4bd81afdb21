/**
 * The rules the case workflow used to keep to itself, now pure domain functions: which case joins a spot-check
 * round's sample, when a closed case may be archived, and what a notification the gateway refused leaves behind.
 */
import { archiveAt, settled } from '../../domain/archive';
import type { CaseState } from '../../domain/case';
import { notifyFailed } from '../../domain/delivery';
import { SYSTEM } from '../../domain/draft';
import type { Notification } from '../../domain/notifications';
import { joinSample } from '../../domain/spot-check';
import { AT, caseIn, citizen } from './fixtures';

const DAY = 86_400_000;
const closed = caseIn('closed', { closedAt: '2026-03-04T02:00:00.000Z' });
const merged: CaseState = { ...closed, mergedInto: { id: 'other00000000001', ledgerNo: 'LZ-2026-000009' } };
const sampled: CaseState = { ...closed, spotCheck: { ...closed.spotCheck, round: 'month-2026-02' } };

describe('joinSample: only a closed, unmerged, not yet sampled case joins a round', () => {
  test('a closed case joins, with the round on the record and in the timeline', () => {
    const next = joinSample(closed, 'month-2026-03', AT)!;
    expect(next.spotCheck).toEqual({ ...closed.spotCheck, round: 'month-2026-03' });
    expect(next.timeline.slice(closed.timeline.length)).toEqual([
      { at: AT, by: SYSTEM, action: 'sampled', note: '列入抽查（month-2026-03）' },
    ]);
    // Nothing else moves: the case is still as it was closed.
    expect({ ...next, spotCheck: closed.spotCheck, timeline: closed.timeline }).toEqual(closed);
  });

  test.each([
    ['reopened since (a late signal)', caseIn('rectifying')],
    ['merged into another case', merged],
    ['already in a sample (a repeated signal)', sampled],
  ])('a case %s does not join', (_why, state) => {
    expect(joinSample(state, 'month-2026-03', AT)).toBeNull();
  });
});

describe('archiveAt: a closed case waits out the spot-check window unless it is settled', () => {
  const now = Date.parse(AT);

  test('an unsettled case: its closing plus the window days of its policy', () => {
    expect(settled(closed)).toBe(false);
    expect(closed.policy.spotCheckWindowDays).toBe(60);
    expect(archiveAt(closed, now)).toBe(Date.parse('2026-03-04T02:00:00.000Z') + 60 * DAY);
    expect(archiveAt({ ...closed, policy: { ...closed.policy, spotCheckWindowDays: 0.5 } }, now)).toBe(
      Date.parse('2026-03-04T14:00:00.000Z'),
    );
  });

  test('a sampled case not yet checked, or one that failed, still waits', () => {
    expect(settled(sampled)).toBe(false);
    expect(settled({ ...sampled, spotCheck: { ...sampled.spotCheck, result: 'failed' } })).toBe(false);
  });

  test.each([
    ['merged', merged],
    ['passed its spot-check', { ...sampled, spotCheck: { ...sampled.spotCheck, result: 'passed' as const } }],
  ])('a case %s is settled: at once', (_why, state) => {
    expect(settled(state)).toBe(true);
    expect(archiveAt(state, now)).toBe(now);
  });

  test('a case registered before spot-checks (no window in its policy) archives at its closing', () => {
    const { spotCheckWindowDays: _, ...older } = closed.policy;
    expect(archiveAt({ ...closed, policy: older as CaseState['policy'] }, now)).toBe(Date.parse('2026-03-04T02:00:00.000Z'));
  });

  test('without a closing time the window counts from now', () => {
    expect(archiveAt({ ...closed, closedAt: null }, now)).toBe(now + 60 * DAY);
  });
});

describe('notifyFailed', () => {
  const notification: Notification = {
    id: 'unit000000000001:0:receipt',
    caseId: 'unit000000000001',
    ledgerNo: 'LZ-2026-000001',
    template: 'receipt',
    to: { kind: 'citizen', citizen },
    text: '…',
  };

  test("records the template and the gateway's reason in the timeline, and nothing else", () => {
    const next = notifyFailed(closed, notification, '号码不存在', AT);
    expect(next.timeline.slice(closed.timeline.length)).toEqual([
      { at: AT, by: SYSTEM, action: 'notify_failed', note: '通知未送达（receipt）：号码不存在' },
    ]);
    expect({ ...next, timeline: closed.timeline }).toEqual(closed);
  });
});
