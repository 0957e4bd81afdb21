import { Alert, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { CitizenSchema } from '../../../domain/case';
import { REQUEST_TYPE_LABELS, STAGE_LABELS } from '../../../domain/labels';
import type { ListedCase } from '../../../domain/summary';
import { api } from '../api';
import { formatTime } from '../format';
import { unitName, useUnits } from '../units';

/** Wait this long after the last keystroke before asking: one lookup per number typed, not per digit. */
const DEBOUNCE_MS = 400;

/**
 * The caller's other open cases, looked up by the phone being typed (GET /cases?phone=&open=true): the operator sees
 * at once whether this is a repeat (possible 并单) or a follow-up before registering another case. Shows nothing
 * while the number is incomplete, and nothing to someone the API does not let look up by phone.
 */
export function CitizenCases({ phone }: { phone: string | undefined }) {
  const units = useUnits();
  const [found, setFound] = useState<{ phone: string; items: ListedCase[] } | null>(null);
  const digits = (phone ?? '').replace(/\D/g, '');
  const complete = phone !== undefined && digits.length >= 7 && CitizenSchema.shape.phone.safeParse(phone).success;

  useEffect(() => {
    if (!complete) return;
    let live = true;
    const timer = setTimeout(() => {
      api<{ items: ListedCase[] }>('GET', `/cases?phone=${encodeURIComponent(phone)}&open=true&pageSize=20`)
        .then((page) => live && setFound({ phone, items: page.items }))
        .catch(() => live && setFound(null));
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [phone, complete]);

  if (!complete || !found || found.phone !== phone || found.items.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      role="status"
      style={{ marginBottom: 16 }}
      title={`该号码另有 ${found.items.length} 件未办结工单，请确认是否为重复诉求（可能并单）`}
      description={
        <ul aria-label="该号码的未办结工单" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {found.items.map((c) => (
            <li key={c.id} style={{ display: 'flex', gap: 12, alignItems: 'center', padding: '4px 0' }}>
              <a href={`#/cases/${c.id}`} target="_blank" rel="noreferrer">
                {c.ledgerNo}
              </a>
              <span style={{ flex: 1 }}>{c.title}</span>
              <Tag>{REQUEST_TYPE_LABELS[c.type]}</Tag>
              <Tag color="blue">{STAGE_LABELS[c.stage]}</Tag>
              <span style={{ width: 160 }}>{unitName(units, c.unit)}</span>
              <span>{formatTime(c.registeredAt)}</span>
            </li>
          ))}
        </ul>
      }
    />
  );
}
