import { Alert, Modal, Table } from 'antd';
import { KNOWLEDGE_COLUMNS, KNOWLEDGE_IMPORT_FIELDS, type KnowledgeChange, type KnowledgeEntry } from '../../../domain/knowledge';
import { formatTime } from '../format';
import { useApiGet } from '../useApi';

const ACTION_LABELS: Record<KnowledgeChange['action'], string> = { created: '新增', updated: '修改', retired: '停用' };

type Fields = NonNullable<KnowledgeChange['after']>;
const show = (value: Fields[keyof Fields]): string =>
  Array.isArray(value) ? value.join('、') || '（空）' : value === null || value === '' ? '（空）' : value;

/** What a change did: the entry's question when added or retired; field by field (`答案：旧 → 新`) for an edit. */
function changes(c: KnowledgeChange): string[] {
  if (!c.before || !c.after) return [`${KNOWLEDGE_COLUMNS.question}：${(c.after ?? c.before)?.question ?? ''}`];
  return KNOWLEDGE_IMPORT_FIELDS.filter((f) => show(c.before![f]) !== show(c.after![f])).map(
    (f) => `${KNOWLEDGE_COLUMNS[f]}：${show(c.before![f])} → ${show(c.after![f])}`,
  );
}

/** 修改记录: who changed an entry, when, and what (GET /knowledge/:id/history), oldest first. */
export function KnowledgeHistory({ entry, onClose }: { entry: KnowledgeEntry; onClose: () => void }) {
  const { data, error } = useApiGet<{ items: KnowledgeChange[] }>(`/knowledge/${entry.id}/history`);
  return (
    <Modal open title={`修改记录：${entry.question}`} footer={null} onCancel={onClose} width={860}>
      {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} />}
      <Table<KnowledgeChange>
        aria-label="修改记录"
        rowKey="version"
        size="small"
        loading={!data && !error}
        dataSource={data?.items ?? []}
        pagination={false}
        columns={[
          { title: '版本', dataIndex: 'version', width: 60 },
          { title: '操作', dataIndex: 'action', width: 70, render: (a: KnowledgeChange['action']) => ACTION_LABELS[a] },
          { title: '人员', dataIndex: 'actor', width: 100, render: (a: KnowledgeChange['actor']) => a.name },
          { title: '时间', dataIndex: 'at', width: 150, render: formatTime },
          {
            title: '变更内容',
            key: 'changes',
            render: (_: unknown, c) => (
              <ul style={{ margin: 0, paddingLeft: 16 }}>
                {changes(c).map((line) => (
                  <li key={line} style={{ whiteSpace: 'pre-wrap' }}>
                    {line}
                  </li>
                ))}
              </ul>
            ),
          },
        ]}
      />
    </Modal>
  );
}
