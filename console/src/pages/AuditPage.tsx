import { Alert, Card, Table } from 'antd';
import { Link } from 'react-router';
import type { AuditEntry } from '../../../api/audit';
import { formatTime } from '../format';
import { useApiGet } from '../useApi';

const ACTIONS: Record<string, string> = { 'case.read': '查看未遮蔽的诉求人信息', export: '导出台账', 'codec.decode': '解密工作流数据' };

/** 审计日志: who saw a citizen's data unmasked or exported it (GET /audit), newest first. */
export default function AuditPage() {
  const { data, error } = useApiGet<{ items: AuditEntry[] }>('/audit?limit=500');
  const items = data?.items ?? null;
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 18 }}>审计日志</h1>}>
      {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} />}
      <Table<AuditEntry>
        aria-label="审计日志"
        rowKey="id"
        size="small"
        loading={items === null && !error}
        dataSource={items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: '暂无记录' }}
        columns={[
          { title: '时间', dataIndex: 'at', render: formatTime },
          { title: '人员', dataIndex: 'actor', render: (a: AuditEntry['actor']) => a.name },
          { title: '操作', dataIndex: 'action', render: (a: string) => ACTIONS[a] ?? a },
          {
            title: '工单',
            dataIndex: 'ledgerNo',
            render: (no: string | undefined, e) => (no && e.caseId ? <Link to={`/cases/${e.caseId}`}>{no}</Link> : '—'),
          },
          { title: '来源地址', dataIndex: 'ip' },
        ]}
      />
    </Card>
  );
}
