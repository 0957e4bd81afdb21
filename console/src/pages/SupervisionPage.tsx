import { Alert, Button, Card, Col, Flex, Progress, Row, Statistic, Table, Tag } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { STAGE_LABELS, STUCK_REASON_LABELS } from '../../../domain/labels';
import type { Rate, UnitMetrics } from '../../../domain/metrics';
import type { StuckCase, StuckPage } from '../../../domain/stuck';
import { api } from '../api';
import { download } from '../download';
import { chineseMessage } from '../errors';
import { formatTime } from '../format';
import { thisMonth } from '../months';
import { unitName, useUnits } from '../units';
import type { Workload, WorkloadRow } from '../../../domain/workload';

const MetricsCharts = lazy(() => import('../components/MetricsCharts'));

const REFRESH_MS = 15_000;

interface StatsAnswer {
  from: string;
  to: string;
  registered: number;
  unassigned: number;
  units: UnitMetrics[];
}

function RateBar({ rate }: { rate: Rate }) {
  if (rate.rate === null) return <span>—</span>;
  const percent = Math.round(rate.rate * 1000) / 10;
  return (
    <Flex vertical>
      <Progress percent={percent} size="small" aria-label={`${percent}%`} />
      <span style={{ fontSize: 12, color: '#888' }}>
        {rate.numerator}/{rate.denominator}
      </span>
    </Flex>
  );
}

/** 督办: the stuck cases (overdue, due soon, stalled, red flags) and this month's unit metrics, with the ledger export. */
export default function SupervisionPage() {
  const units = useUnits();
  const [stuck, setStuck] = useState<StuckPage | null>(null);
  const [more, setMore] = useState<StuckCase[]>([]);
  const [stats, setStats] = useState<StatsAnswer | null>(null);
  const [workload, setWorkload] = useState<Workload | null>(null);
  const [error, setError] = useState<string | null>(null);
  const month = thisMonth();

  const load = useCallback(() => {
    Promise.all([
      api<StuckPage>('GET', '/supervision/stuck?limit=100').then((page) => {
        setStuck(page);
        setMore([]);
      }),
      api<StatsAnswer>('GET', `/stats?from=${month.from}&to=${month.to}`).then(setStats),
      api<Workload>('GET', '/supervision/workload').then(setWorkload),
    ])
      .then(() => setError(null))
      .catch((err: unknown) => setError(chineseMessage(err)));
  }, [month.from, month.to]);

  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const loadMore = async () => {
    const token = (more.length ? null : stuck?.nextPageToken) ?? null;
    if (!token) return;
    const page = await api<StuckPage>('GET', `/supervision/stuck?limit=100&pageToken=${encodeURIComponent(token)}`);
    setMore((m) => [...m, ...page.items]);
  };

  const exportLedger = (format: 'xlsx' | 'csv') =>
    download(`/ledger.${format}?from=${month.from}&to=${month.to}`, `台账-${month.from}.${format}`).catch((err: unknown) =>
      setError(chineseMessage(err)),
    );

  return (
    <Flex vertical gap={16}>
      <h1 style={{ margin: 0, fontSize: 20 }}>督办工作台</h1>
      {error && <Alert type="error" showIcon title={error} role="alert" />}
      <Row gutter={16}>
        <Col span={6}>
          <Card>
            <Statistic title="需督办工单" value={stuck?.total ?? '—'} />
          </Card>
        </Col>
        <Col span={6}>
          <Card>
            <Statistic title="超期" value={stuck?.byReason.overdue ?? '—'} styles={{ content: { color: '#cf1322' } }} />
          </Card>
        </Col>
        <Col span={6}>
          <Card>
            <Statistic title="临期" value={stuck?.byReason.due_soon ?? '—'} />
          </Card>
        </Col>
        <Col span={6}>
          <Card>
            <Statistic title="滞留" value={stuck?.byReason.stalled ?? '—'} />
          </Card>
        </Col>
      </Row>
      <Card
        title={<h2 style={{ margin: 0, fontSize: 16 }}>超期、临期与滞留工单</h2>}
        extra={stuck && <span>截至 {formatTime(stuck.asOf)}</span>}
      >
        <Table<StuckCase>
          aria-label="超期、临期与滞留工单"
          rowKey="id"
          loading={stuck === null && !error}
          dataSource={[...(stuck?.items ?? []), ...more]}
          pagination={false}
          locale={{ emptyText: '暂无需督办的工单' }}
          columns={[
            { title: '台账编号', dataIndex: 'ledgerNo', render: (no: string, c) => <Link to={`/cases/${c.id}`}>{no}</Link> },
            { title: '标题', dataIndex: 'title' },
            { title: '状态', dataIndex: 'stage', render: (s: StuckCase['stage']) => STAGE_LABELS[s] },
            { title: '承办单位', dataIndex: 'unit', render: (u: string | null) => unitName(units, u) },
            {
              title: '督办原因',
              dataIndex: 'reasons',
              render: (reasons: StuckCase['reasons'], c) => (
                <Flex gap={4} wrap>
                  {reasons.map((r) => (
                    <Tag key={r} color={r === 'overdue' ? 'red' : r === 'due_soon' ? 'orange' : 'default'}>
                      {STUCK_REASON_LABELS[r]}
                    </Tag>
                  ))}
                  {c.redFlag && <Tag color="volcano">红牌</Tag>}
                </Flex>
              ),
            },
            {
              title: '超期时长',
              dataIndex: 'late',
              render: (late: StuckCase['late']) => (late ? `${late.workingDays} 个工作日（共 ${late.hours} 小时）` : '—'),
            },
            { title: '时限', dataIndex: 'dueAt', render: formatTime },
          ]}
        />
        {stuck?.nextPageToken && more.length === 0 && (
          <Button style={{ marginTop: 12 }} onClick={() => void loadMore()}>
            加载更多
          </Button>
        )}
      </Card>
      <Card
        title={<h2 style={{ margin: 0, fontSize: 16 }}>在办工单分布（单位 × 环节）</h2>}
        extra={workload && <span>截至 {formatTime(workload.asOf)}</span>}
      >
        <Table<WorkloadRow>
          aria-label="在办工单分布"
          rowKey={(r) => r.unit ?? ''}
          loading={workload === null && !error}
          dataSource={workload?.rows ?? []}
          pagination={false}
          size="small"
          scroll={{ x: true }}
          locale={{ emptyText: '暂无在办工单' }}
          columns={[
            { title: '单位', dataIndex: 'name', fixed: 'left' },
            ...(workload?.stages ?? []).map((stage) => ({
              title: STAGE_LABELS[stage],
              key: stage,
              render: (_: unknown, r: WorkloadRow) => r.byStage[stage] || '',
            })),
            { title: '合计', dataIndex: 'total' },
            {
              title: '超期',
              dataIndex: 'overdue',
              render: (n: number) => (n > 0 ? <span style={{ color: '#cf1322', fontWeight: 600 }}>{n}</span> : 0),
            },
            { title: '红牌', dataIndex: 'redFlags' },
          ]}
          summary={() =>
            workload && workload.rows.length > 1 ? (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>合计</Table.Summary.Cell>
                {workload.stages.map((stage, i) => (
                  <Table.Summary.Cell key={stage} index={i + 1}>
                    {workload.totals.byStage[stage]}
                  </Table.Summary.Cell>
                ))}
                <Table.Summary.Cell index={workload.stages.length + 1}>{workload.totals.total}</Table.Summary.Cell>
                <Table.Summary.Cell index={workload.stages.length + 2}>{workload.totals.overdue}</Table.Summary.Cell>
                <Table.Summary.Cell index={workload.stages.length + 3}>{workload.totals.redFlags}</Table.Summary.Cell>
              </Table.Summary.Row>
            ) : null
          }
        />
      </Card>
      <Card
        title={<h2 style={{ margin: 0, fontSize: 16 }}>本月单位考核（{month.from} 起）</h2>}
        extra={
          <Flex gap={8}>
            <Button onClick={() => void exportLedger('xlsx')}>导出台账（Excel）</Button>
            <Button onClick={() => void exportLedger('csv')}>导出台账（CSV）</Button>
          </Flex>
        }
      >
        <Table<UnitMetrics>
          aria-label="单位考核"
          rowKey="unit"
          dataSource={stats?.units ?? []}
          pagination={false}
          size="small"
          locale={{ emptyText: '本月暂无工单' }}
          columns={[
            { title: '单位', dataIndex: 'name' },
            { title: '受理', dataIndex: 'received' },
            { title: '按时签收率', dataIndex: 'onTimeSignFor', render: (r: Rate) => <RateBar rate={r} /> },
            { title: '按时办结率', dataIndex: 'onTimeCompletion', render: (r: Rate) => <RateBar rate={r} /> },
            { title: '满意率', dataIndex: 'satisfaction', render: (r: Rate) => <RateBar rate={r} /> },
            { title: '解决率', dataIndex: 'resolution', render: (r: Rate) => <RateBar rate={r} /> },
            { title: '退回率', dataIndex: 'returns', render: (r: Rate) => <RateBar rate={r} /> },
            { title: '超期', dataIndex: 'overdue' },
            { title: '红牌', dataIndex: 'redFlags' },
          ]}
        />
      </Card>
      {stats && (
        <Suspense fallback={<Card loading title="考核图表" />}>
          <MetricsCharts units={stats.units} />
        </Suspense>
      )}
    </Flex>
  );
}
