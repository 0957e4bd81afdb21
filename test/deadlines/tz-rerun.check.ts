/**
 * Not a *.test.ts file on purpose: only test/deadlines/tz.test.ts runs it, in the child jest it starts with
 * TZ=America/New_York beside the date-sensitive deadline files, to prove that the zone really took effect in the
 * process where those files ran their worker. Run on its own it fails, by design.
 */
test('this process runs in the time zone the TZ rerun asked for', () => {
  const expected = process.env.HUIYING_TEST_EXPECT_TZ;
  if (!expected) throw new Error('HUIYING_TEST_EXPECT_TZ is not set: this file is run only by test/deadlines/tz.test.ts');
  expect(process.env.TZ).toBe(expected);
  expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(expected);
  // New York is west of UTC: complaint A's due instant, Fri Oct 23 10:00 in Shanghai, is still Thu Oct 22 there.
  const due = new Date('2026-10-23T02:00:00Z');
  expect(due.getTimezoneOffset()).toBe(Number(process.env.HUIYING_TEST_EXPECT_OFFSET));
  expect([due.getDate(), due.getHours()]).toEqual([22, 22]);
});
