import { Alert, Card, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { InboxItem } from '../../../domain/inbox';
import { AWAITING_LABELS, REQUEST_TYPE_LABELS, REVIEW_LEVEL_LABELS, STAGE_LABELS } from '../../../domain/labels';
import { api } from '../api';
import { chineseMessage } from '../errors';
import { formatTime, workingDaysText } from '../format';
import type { Session } from '../session';
import { unitName, useUnits } from '../units';

/** How often the inbox asks again, so a case that arrives shows without a reload. */
const REFRESH_MS = 5_000;

/** 我的待办: what awaits this person (GET /inbox), oldest first, refreshed by itself. */
export default function InboxPage({ session }: { session: Session }) {
  const units = useUnits();
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      api<{ items: InboxItem[] }>('GET', '/inbox')
        .then((r) => {
          if (!live) return;
          setItems(r.items);
          setError(null);
        })
        .catch((err: unknown) => live && setError(chineseMessage(err)));
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [session.token]);

  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 18 }}>我的待办</h1>}>
      {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} />}
      <Table<InboxItem>
        rowKey={(c) => `${c.id}:${c.awaiting}`}
        loading={items === null && !error}
        dataSource={items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: '暂无待办' }}
        columns={[
          {
            title: '台账编号',
            dataIndex: 'ledgerNo',
            render: (no: string, c) => <Link to={`/cases/${c.id}`}>{no}</Link>,
          },
          { title: '标题', dataIndex: 'title' },
          { title: '类型', dataIndex: 'type', render: (t: InboxItem['type']) => REQUEST_TYPE_LABELS[t] },
          {
            title: '待办事项',
            dataIndex: 'awaiting',
            render: (a: InboxItem['awaiting'], c) =>
              a === 'review' && c.reviewLevel ? `${AWAITING_LABELS[a]}（${REVIEW_LEVEL_LABELS[c.reviewLevel]}）` : AWAITING_LABELS[a],
          },
          {
            title: '状态',
            dataIndex: 'stage',
            render: (s: InboxItem['stage'], c) => (
              <span>
                {STAGE_LABELS[s]}{' '}
                {c.returnedBy.length > 0 && <Tag color="gold">{`曾被退回：${c.returnedBy.map((u) => unitName(units, u)).join('、')}`}</Tag>}
              </span>
            ),
          },
          { title: '承办单位', dataIndex: 'unit', render: (u: string | null) => unitName(units, u) },
          { title: '登记时间', dataIndex: 'registeredAt', render: formatTime },
          {
            title: '办理时限',
            dataIndex: 'dueAt',
            render: (due: string | null, c) => (
              <span>
                {formatTime(due)} {c.workingDaysLeft !== undefined && <span>{workingDaysText(c.workingDaysLeft)}</span>}{' '}
                {c.overdue && <Tag color="red">超期</Tag>}
                {c.redFlag && <Tag color="volcano">红牌</Tag>}
                {c.urgent && <Tag color="orange">紧急</Tag>}
              </span>
            ),
          },
        ]}
      />
    </Card>
  );
}
