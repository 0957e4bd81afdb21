/**
 * Open311 GeoReport v2 mappings (domain/open311.ts, open311-intake.ts): services from the request types, a case as a
 * service request (from its state, and from a read-model row), and a partner's POST as the request an operator
 * would register.
 */
import { REQUEST_TYPES } from '../../domain/case';
import { OPEN311_SERVICES, Open311ListQuerySchema, open311ListedRequest, open311Request, shanghaiDateTime } from '../../domain/open311';
import { NAMELESS, Open311PostSchema, citizenName, newCaseFromOpen311, titleOf } from '../../domain/open311-intake';
import { DEFAULT_UNITS, UnitDirectory } from '../../domain/units';
import { caseIn, HANDLING, HOUSING } from './fixtures';

const units = new UnitDirectory(DEFAULT_UNITS);
const name = (code: string) => units.name(code);

test('services: one per request type, in Chinese, realtime, without metadata', () => {
  expect(OPEN311_SERVICES.map((s) => s.service_code)).toEqual([...REQUEST_TYPES]);
  expect(OPEN311_SERVICES.find((s) => s.service_code === 'complaint')).toEqual({
    service_code: 'complaint',
    service_name: '投诉',
    description: expect.any(String),
    metadata: false,
    type: 'realtime',
    keywords: expect.stringContaining('投诉'),
    group: '12345政务服务便民热线',
  });
});

test('times in the county offset, the same instants', () => {
  expect(shanghaiDateTime('2026-03-02T01:00:00.000Z')).toBe('2026-03-02T09:00:00+08:00');
  expect(Date.parse(shanghaiDateTime(HANDLING.dueAt))).toBe(Date.parse(HANDLING.dueAt));
  expect(shanghaiDateTime('2026-03-02T01:00:00.250Z')).toBe('2026-03-02T09:00:00.250+08:00');
});

describe('a case as a service request', () => {
  test('open while handled: agency, expected = the handling deadline, description and address redacted', () => {
    const state = caseIn('rectifying', { content: '张市民（13800001234）家门口路灯坏了', location: '天池街道13800001234号' });
    const r = open311Request(state, name);
    expect(r).toEqual({
      service_request_id: 'LZ-2026-000001',
      status: 'open',
      status_notes: '整改中',
      service_name: '投诉',
      service_code: 'complaint',
      description: '（保密）（（保密））家门口路灯坏了',
      agency_responsible: '县住建局',
      requested_datetime: shanghaiDateTime(state.registeredAt),
      updated_datetime: shanghaiDateTime(state.updatedAt),
      expected_datetime: shanghaiDateTime(HANDLING.dueAt),
      address: '天池街道（保密）号',
    });
  });

  test('closed: status closed, the last public note in the status notes', () => {
    const state = caseIn('closed', {
      timeline: [
        ...caseIn('closed').timeline,
        { at: '2026-03-04T02:00:00.000Z', by: { id: 'op', name: '李话务' }, action: 'answer', note: '已答复：路灯已修' },
      ],
    });
    expect(open311Request(state, name)).toMatchObject({ status: 'closed', status_notes: '已办结：已答复：路灯已修' });
  });

  test('a protected case: no description, no address, the stage alone as its notes', () => {
    for (const patch of [{ confidential: true }, { type: 'report' as const }, { about: 'transport' }]) {
      const r = open311Request(caseIn('rectifying', patch), name);
      expect(r.description).toBeUndefined();
      expect(r.address).toBeUndefined();
      expect(r.status_notes).toBe('整改中');
      expect(r.agency_responsible).toBe('县住建局');
    }
  });

  test('from the read model: no free text; expected only while the handling deadline is the running one', () => {
    const row = {
      ledgerNo: 'LZ-2026-000007',
      stage: 'rectifying' as const,
      type: 'help' as const,
      unit: HOUSING,
      registeredAt: '2026-03-02T01:00:00.000Z',
      recordedAt: '2026-03-03T01:00:00.000Z',
      dueAt: HANDLING.dueAt,
    };
    expect(open311ListedRequest(row, name)).toEqual({
      service_request_id: 'LZ-2026-000007',
      status: 'open',
      status_notes: '整改中',
      service_name: '求助',
      service_code: 'help',
      agency_responsible: '县住建局',
      requested_datetime: '2026-03-02T09:00:00+08:00',
      updated_datetime: '2026-03-03T09:00:00+08:00',
      expected_datetime: shanghaiDateTime(HANDLING.dueAt),
    });
    expect(open311ListedRequest({ ...row, stage: 'reviewing' }, name).expected_datetime).toBeUndefined();
    expect(open311ListedRequest({ ...row, stage: 'registered', unit: null }, name).agency_responsible).toBeUndefined();
  });
});

describe('GET requests.json filters', () => {
  test('comma lists, dates, statuses; other parameters ignored', () => {
    expect(
      Open311ListQuerySchema.parse({
        service_request_id: 'LZ-2026-000001, LZ-2026-000002',
        service_code: 'complaint,help',
        status: 'open',
        start_date: '2026-03-01',
        end_date: '2026-03-31T00:00:00Z',
        jurisdiction_id: 'lezhi',
        api_key: 'x',
      }),
    ).toEqual({
      service_request_id: ['LZ-2026-000001', 'LZ-2026-000002'],
      service_code: ['complaint', 'help'],
      status: ['open'],
      start_date: new Date('2026-02-28T16:00:00Z'),
      end_date: new Date('2026-03-31T00:00:00Z'),
    });
    for (const bad of [{ service_code: 'pothole' }, { status: 'pending' }, { start_date: 'yesterday' }])
      expect(Open311ListQuerySchema.safeParse(bad).success).toBe(false);
  });
});

describe("a partner's POST as a registration", () => {
  const post = (fields: Record<string, unknown>) =>
    Open311PostSchema.parse({ service_code: 'complaint', phone: '13800001234', description: '小区路灯不亮。已经两周了', ...fields });

  test('channel online, the citizen, a title from the description, the address as location', () => {
    expect(newCaseFromOpen311(post({ first_name: '市民', last_name: '张', address_string: '天池街道某小区', api_key: 'ignored' }))).toEqual(
      {
        channel: 'online',
        type: 'complaint',
        urgent: false,
        confidential: false,
        citizen: { name: '张市民', phone: '13800001234' },
        title: '小区路灯不亮',
        content: '小区路灯不亮。已经两周了',
        location: '天池街道某小区',
      },
    );
    expect(newCaseFromOpen311(post({ lat: 30.27, long: '105.03' })).location).toBe('30.27,105.03');
  });

  test('names: Chinese family name first, others spaced, none at all', () => {
    expect(citizenName('三', '张')).toBe('张三');
    expect(citizenName('John', 'Smith')).toBe('John Smith');
    expect(citizenName(undefined, '欧阳')).toBe('欧阳');
    expect(citizenName(undefined, undefined)).toBe(NAMELESS);
  });

  test('titles: the first sentence, at most 30 characters', () => {
    expect(titleOf('路灯坏了！请尽快修')).toBe('路灯坏了');
    expect([...titleOf('一'.repeat(50))]).toHaveLength(30);
    expect(titleOf('一'.repeat(50)).endsWith('…')).toBe(true);
  });

  test('phone, description and a known service code are required; each missing one named', () => {
    const result = Open311PostSchema.safeParse({ service_code: 'pothole', phone: 'call me' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['description', 'phone', 'service_code']);
  });
});
