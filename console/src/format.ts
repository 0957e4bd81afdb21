/** Every time the console shows is in Asia/Shanghai, whatever the browser's own zone. */
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export function formatTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

/** Working days left (negative: late by), as the API computed them on the county's calendar. */
export function workingDaysText(left: number | null | undefined): string {
  if (left === null || left === undefined) return '—';
  if (left < 0) return `已超期 ${-left} 个工作日`;
  if (left === 0) return '今日到期';
  return `剩余 ${left} 个工作日`;
}
