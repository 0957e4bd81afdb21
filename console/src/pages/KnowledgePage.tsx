import { Alert, Button, Card, Flex, Form, Input, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { shanghaiToday, type KnowledgeEntry, type KnowledgePage as Page } from '../../../domain/knowledge';
import { api, ApiFailure } from '../api';
import { KnowledgeEditor } from '../components/KnowledgeEditor';
import { KnowledgeHistory } from '../components/KnowledgeHistory';
import { download } from '../download';
import { chineseFieldMessage, chineseMessage } from '../errors';
import { formatTime } from '../format';
import { send, XLSX_TYPE } from '../knowledge-api';

const PAGE_SIZE = 20;

interface Filter {
  q?: string;
  category?: string;
  valid?: 'true' | 'false';
}

/** An import's refusal in Chinese: each bad row and column the API named. */
function importProblems(err: unknown): string[] {
  if (!(err instanceof ApiFailure) || !Array.isArray(err.details)) return [];
  return (err.details as { row?: number; column?: string; message?: string }[]).map((p) =>
    err.code === 'conflict'
      ? `第${p.row}行：该条目导出后已被修改或已停用，请重新导出后再改`
      : p.row && p.row > 1
        ? `第${p.row}行「${p.column}」：${chineseFieldMessage(p.column ?? '', p.message ?? '')}`
        : p.column === '(body)'
          ? '文件不是有效的Excel（.xlsx）文件'
          : `第一行缺少列「${p.column}」`,
  );
}

/** 知识库 (supervisors, admins): search, add, edit, retire, each entry's history; the whole base to and from Excel. */
export default function KnowledgePage() {
  const [filter, setFilter] = useState<Filter>({});
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; title: string; lines?: string[] } | null>(null);
  const [editing, setEditing] = useState<KnowledgeEntry | null | undefined>(undefined);
  const [history, setHistory] = useState<KnowledgeEntry | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const load = useCallback(() => {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String((page - 1) * PAGE_SIZE) });
    for (const [k, v] of Object.entries(filter)) if (v) params.set(k, v);
    api<Page>('GET', `/knowledge?${params.toString()}`)
      .then((p) => {
        setData(p);
        setError(null);
      })
      .catch((err: unknown) => setError(chineseMessage(err)));
  }, [filter, page]);
  useEffect(load, [load]);

  const retire = async (entry: KnowledgeEntry) => {
    try {
      await send('DELETE', `/knowledge/${entry.id}`, undefined, { 'if-match': `"${entry.version}"` });
      setNotice({ type: 'success', title: `已停用：${entry.question}` });
      load();
    } catch (err) {
      setNotice({
        type: 'error',
        title: err instanceof ApiFailure && err.code === 'conflict' ? '该条目已被他人修改，请刷新后重试' : chineseMessage(err),
      });
    }
  };

  const importFile = async (file: File) => {
    setNotice(null);
    try {
      const r = await send<{ created: number; updated: number; unchanged: number }>('POST', '/knowledge/import', file, {
        'content-type': XLSX_TYPE,
      });
      setNotice({ type: 'success', title: `导入完成：新增 ${r.created} 条，更新 ${r.updated} 条，未变 ${r.unchanged} 条` });
      load();
    } catch (err) {
      const lines = importProblems(err);
      setNotice({
        type: 'error',
        title: lines.length ? '导入失败，未导入任何条目。请修改以下内容后重新导入：' : chineseMessage(err),
        lines,
      });
    }
  };

  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 18 }}>知识库</h1>}>
      <Flex vertical gap={16}>
        <Form<Filter>
          name="knowledge-filter"
          layout="inline"
          onFinish={(values) => {
            setFilter({ q: values.q?.trim() || undefined, category: values.category?.trim() || undefined, valid: values.valid });
            setPage(1);
          }}
        >
          <Form.Item label="关键词" name="q">
            <Input allowClear style={{ width: 220 }} />
          </Form.Item>
          <Form.Item label="分类" name="category">
            <Input allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label="有效性" name="valid">
            <Select
              allowClear
              placeholder="全部"
              style={{ width: 160 }}
              options={[
                { value: 'true', label: '今日有效' },
                { value: 'false', label: '已失效或未生效' },
              ]}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
        </Form>
        <Space wrap>
          <Button type="primary" onClick={() => setEditing(null)}>
            新增条目
          </Button>
          <Button
            onClick={() => {
              download('/knowledge.xlsx', `知识库-${shanghaiToday()}.xlsx`).catch((err: unknown) =>
                setNotice({ type: 'error', title: chineseMessage(err) }),
              );
            }}
          >
            导出Excel
          </Button>
          <Button onClick={() => fileInput.current?.click()}>导入Excel</Button>
          <input
            ref={fileInput}
            type="file"
            aria-label="选择要导入的Excel文件"
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            style={{ display: 'none' }}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void importFile(file);
            }}
          />
        </Space>
        {error && <Alert type="error" showIcon title={error} role="alert" />}
        {notice && (
          <Alert
            type={notice.type}
            showIcon
            closable={{ onClose: () => setNotice(null) }}
            role={notice.type === 'error' ? 'alert' : 'status'}
            title={notice.title}
            description={
              notice.lines?.length ? (
                <ul style={{ margin: 0, paddingLeft: 16 }}>
                  {notice.lines.map((l) => (
                    <li key={l}>{l}</li>
                  ))}
                </ul>
              ) : undefined
            }
          />
        )}
        <Table<KnowledgeEntry>
          aria-label="知识库条目"
          rowKey="id"
          size="small"
          loading={data === null && !error}
          dataSource={data?.items ?? []}
          locale={{ emptyText: '暂无条目' }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: data?.total ?? 0,
            onChange: setPage,
            hideOnSinglePage: true,
            showSizeChanger: false,
          }}
          columns={[
            { title: '编号', dataIndex: 'id', width: 70 },
            { title: '问题', dataIndex: 'question' },
            { title: '分类', dataIndex: 'category', width: 110 },
            {
              title: '有效期',
              key: 'validity',
              width: 210,
              render: (_: unknown, e) => (
                <>
                  {e.validFrom} 至 {e.validTo ?? '长期'} {e.validToday ? <Tag color="green">有效</Tag> : <Tag>失效</Tag>}
                </>
              ),
            },
            { title: '使用次数', dataIndex: 'usageCount', width: 90 },
            {
              title: '最后修改',
              key: 'updated',
              width: 200,
              render: (_: unknown, e) => `${e.updatedBy.name} ${formatTime(e.updatedAt)}`,
            },
            {
              title: '操作',
              key: 'actions',
              width: 190,
              render: (_: unknown, e) => (
                <Space size="small">
                  <Button size="small" onClick={() => setEditing(e)}>
                    编辑
                  </Button>
                  <Button size="small" onClick={() => setHistory(e)}>
                    记录
                  </Button>
                  <Popconfirm
                    title="停用后不再供话务员查询，修改记录保留。确认停用？"
                    okText="停用"
                    cancelText="取消"
                    onConfirm={() => void retire(e)}
                  >
                    <Button size="small" danger>
                      停用
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Flex>
      {editing !== undefined && (
        <KnowledgeEditor
          entry={editing}
          onClose={() => setEditing(undefined)}
          onSaved={(saved) => {
            setEditing(undefined);
            setNotice({ type: 'success', title: `已保存：${saved.question}` });
            load();
          }}
        />
      )}
      {history && <KnowledgeHistory entry={history} onClose={() => setHistory(null)} />}
    </Card>
  );
}
