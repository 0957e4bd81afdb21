import { Alert, Card, Table, Tag } from 'antd';
import { Link } from 'react-router';
import { STAGE_LABELS } from '../../../domain/labels';
import type { ListedCase } from '../../../domain/summary';
import { formatTime } from '../format';
import { useApiGet } from '../useApi';
import { unitName, useUnits } from '../units';

/** A case of the sample as GET /spot-checks answers it (api/routes/spot-checks.ts). */
type Sampled = ListedCase & { round: string | null; result: 'passed' | 'failed' | 'pending' };

const RESULT = { passed: ['抽查通过', 'green'], failed: ['抽查不通过', 'red'], pending: ['待抽查', 'default'] } as const;

/** 定期抽查: the cases of the current samples; each opens on its case page, where 抽查通过 / 抽查不通过 record the result. */
export default function SpotChecksPage() {
  const units = useUnits();
  const { data, error } = useApiGet<{ items: Sampled[] }>('/spot-checks');
  const items = data?.items ?? null;
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 18 }}>定期抽查</h1>}>
      {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} />}
      <Table<Sampled>
        aria-label="抽查样本"
        rowKey="id"
        loading={items === null && !error}
        dataSource={items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: '当前没有抽查样本' }}
        columns={[
          { title: '台账编号', dataIndex: 'ledgerNo', render: (no: string, c) => <Link to={`/cases/${c.id}`}>{no}</Link> },
          { title: '标题', dataIndex: 'title' },
          { title: '承办单位', dataIndex: 'unit', render: (u: string | null) => unitName(units, u) },
          { title: '状态', dataIndex: 'stage', render: (s: Sampled['stage']) => STAGE_LABELS[s] },
          { title: '办结时间', dataIndex: 'closedAt', render: formatTime },
          { title: '抽查批次', dataIndex: 'round', render: (r: string | null) => r ?? '—' },
          { title: '结果', dataIndex: 'result', render: (r: Sampled['result']) => <Tag color={RESULT[r][1]}>{RESULT[r][0]}</Tag> },
        ]}
      />
    </Card>
  );
}
