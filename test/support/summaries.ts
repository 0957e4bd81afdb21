import type { CaseSummary } from '../../domain/summary';

/** A registered case's summary as the read model holds it, with `patch`: for tests that seed the read model directly. */
export function summaryRow(patch: Partial<CaseSummary> & { id: string }): CaseSummary {
  return {
    version: 1,
    ledgerNo: 'LZ-2026-000001',
    stage: 'registered',
    type: 'complaint',
    channel: 'hotline',
    unit: null,
    urgent: false,
    reviewLevel: null,
    reopenCount: 0,
    registeredAt: '2026-03-02T01:00:00.000Z',
    stageSince: '2026-03-02T01:00:00.000Z',
    dueAt: null,
    overdue: false,
    redFlag: false,
    flags: [],
    satisfaction: null,
    closedAt: null,
    title: '小区路灯不亮',
    citizenKey: null,
    archived: false,
    spotCheckUntil: null,
    ...patch,
  };
}
