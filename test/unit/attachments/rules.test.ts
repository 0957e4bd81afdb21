/**
 * Who adds which attachment when, who sees one, the names files are kept under, and the download's header: the pure
 * rules of domain/attachments.ts and api/routes/attachments.ts's Content-Disposition.
 */
import { contentDisposition } from '../../../api/routes/attachments';
import { attachmentVisible, nameForType, uploadableKinds, uploadRefusal } from '../../../domain/attachments';
import { ENDPOINTS } from '../../../domain/authorization';
import { HOUSING, people, TRANSPORT } from '../../support/personas';

const at = (stage: 'registered' | 'assigned' | 'rectifying' | 'reviewing' | 'closed', unit: string | null = HOUSING) => ({ stage, unit });

test('operators add the citizen’s files until the case closes; the unit its own while it has the case', () => {
  expect(uploadableKinds(at('registered', null), people.operator)).toEqual(['intake']);
  expect(uploadableKinds(at('reviewing'), people.operator)).toEqual(['intake']);
  expect(uploadRefusal(at('closed'), people.operator, 'intake')?.code).toBe('conflict');
  expect(uploadableKinds(at('assigned'), people.housingHandler)).toEqual(['progress', 'result']);
  expect(uploadableKinds(at('rectifying'), people.housingHandler)).toEqual(['progress', 'result']);
  expect(uploadRefusal(at('reviewing'), people.housingHandler, 'result')).toMatchObject({
    code: 'conflict',
    details: { stage: 'reviewing' },
  });
  expect(uploadRefusal(at('rectifying'), people.transportHandler, 'progress')?.code).toBe('forbidden');
  expect(uploadRefusal(at('rectifying', TRANSPORT), people.housingHandler, 'progress')?.code).toBe('forbidden');
  expect(uploadRefusal(at('rectifying'), people.housingHandler, 'intake')?.code).toBe('forbidden');
  for (const p of [people.dispatcher, people.reviewer1, people.supervisor, people.admin])
    expect(uploadableKinds(at('rectifying'), p)).toEqual([]);
});

test('the matrix row comes from the same table: operators on any case, handlers on their own unit’s', () => {
  expect(ENDPOINTS['POST /cases/:id/attachments']).toEqual({ operator: 'any', handler: 'own_unit' });
});

test("the citizen's own files are hidden exactly when the citizen is", () => {
  expect(attachmentVisible({ fromCitizen: true }, 'hidden')).toBe(false);
  expect(attachmentVisible({ fromCitizen: true }, 'masked')).toBe(true);
  expect(attachmentVisible({ fromCitizen: false }, 'hidden')).toBe(true);
});

test('a name keeps its extension when it agrees with the content, and gets the right one when not', () => {
  expect(nameForType('现场.JPG', 'image/jpeg')).toBe('现场.JPG');
  expect(nameForType('整改报告.exe', 'application/pdf')).toBe('整改报告.exe.pdf');
  expect(nameForType('照片', 'image/png')).toBe('照片.png');
});

test('Content-Disposition: attachment, an ASCII stand-in and the UTF-8 name (RFC 5987)', () => {
  expect(contentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
  expect(contentDisposition('现场 "1";.png')).toBe(
    `attachment; filename="__ _1__.png"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%20%221%22%3B.png`,
  );
  expect(contentDisposition("it's (1).pdf")).toBe(`attachment; filename="it's (1).pdf"; filename*=UTF-8''it%27s%20%281%29.pdf`);
});
