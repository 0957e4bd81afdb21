/** A calendar month in Shanghai as the API's report filters take it: `from` its first day, `to` the next month's. */
export interface Month {
  from: string;
  to: string;
  /** 2026年12月 */
  label: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

function month(y: number, m: number): Month {
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${pad(m + 1)}-01`;
  return { from: `${y}-${pad(m)}-01`, to: next, label: `${y}年${m}月` };
}

/** This month in Shanghai, whatever the browser's own zone. */
export function thisMonth(now = new Date()): Month {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' })
    .format(now)
    .split('-')
    .map(Number);
  return month(y, m);
}

/** The last `n` months up to and including this one, oldest first. */
export function lastMonths(n: number, now = new Date()): Month[] {
  const { from } = thisMonth(now);
  const [y, m] = from.split('-').map(Number);
  return Array.from({ length: n }, (_, i) => {
    const back = y * 12 + (m - 1) - (n - 1 - i);
    return month(Math.floor(back / 12), (back % 12) + 1);
  });
}
