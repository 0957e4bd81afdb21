import { Alert, Button, Card, Checkbox, Flex, Form, Input, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { STAGES, type Stage } from '../../../domain/case';
import { REQUEST_TYPE_LABELS, STAGE_LABELS } from '../../../domain/labels';
import { seesEveryCitizen } from '../../../domain/privacy';
import type { ListedCase } from '../../../domain/summary';
import { api, ApiFailure } from '../api';
import { chineseMessage } from '../errors';
import { formatTime } from '../format';
import type { Session } from '../session';
import { unitName, useUnits } from '../units';

interface Criteria {
  text?: string;
  phone?: string;
  stage?: Stage;
  from?: string;
  to?: string;
  overdue?: boolean;
}

type Page = { items: ListedCase[]; nextPageToken: string | null };

const CASE_ID = /^[0-9a-z]{16}$/;
const LEDGER_NO = /^[A-Za-z]+-\d{4}-\d+$/;

/** The criteria as GET /cases takes them: a ledger number or words in one box, the rest as they are. */
function queryOf(c: Criteria): string {
  const p = new URLSearchParams();
  const text = c.text?.trim();
  if (text) p.set(LEDGER_NO.test(text) ? 'ledgerNo' : 'q', text);
  if (c.phone?.trim()) p.set('phone', c.phone.trim());
  if (c.stage) p.set('stage', c.stage);
  if (c.from) p.set('from', c.from);
  if (c.to) p.set('to', nextDay(c.to)); // the form's "to" is the last day shown; the API's is the first day left out
  if (c.overdue) p.set('overdue', 'true');
  p.set('pageSize', '50');
  return p.toString();
}

function nextDay(day: string): string {
  const next = new Date(`${day}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/** 工单查询: find cases by ledger number, words, phone (operators, supervisors), stage, period, overdue; or open one by id. */
export default function LookupPage({ session }: { session: Session }) {
  const navigate = useNavigate();
  const units = useUnits();
  const [form] = Form.useForm<Criteria>();
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<(Page & { query: string }) | null>(null);
  const [loading, setLoading] = useState(false);
  const byPhone = seesEveryCitizen(session.person);

  const search = async (criteria: Criteria) => {
    setError(null);
    const text = criteria.text?.trim() ?? '';
    if (CASE_ID.test(text)) {
      void navigate(`/cases/${text}`);
      return;
    }
    const query = queryOf(criteria);
    setLoading(true);
    try {
      const page = await api<Page>('GET', `/cases?${query}`);
      setResult({ ...page, query });
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'invalid_input') {
        const fields = err.fieldErrors();
        if (fields.q !== undefined) form.setFields([{ name: 'text', errors: ['请输入要查找的词语'] }]);
        if (fields.phone !== undefined) form.setFields([{ name: 'phone', errors: ['电话号码格式不正确'] }]);
      }
      setError(chineseMessage(err));
    } finally {
      setLoading(false);
    }
  };

  const more = async () => {
    if (!result?.nextPageToken) return;
    try {
      const page = await api<Page>('GET', `/cases?${result.query}&pageToken=${encodeURIComponent(result.nextPageToken)}`);
      setResult({ ...result, items: [...result.items, ...page.items], nextPageToken: page.nextPageToken });
    } catch (err) {
      setError(chineseMessage(err));
    }
  };

  return (
    <Flex vertical gap={16}>
      <Card title={<h1 style={{ margin: 0, fontSize: 18 }}>工单查询</h1>}>
        {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" onFinish={(c) => void search(c)}>
          <Flex wrap gap={16} align="end">
            <Form.Item label="台账编号或关键词" name="text" style={{ marginBottom: 0 }}>
              <Input style={{ width: 280 }} allowClear placeholder="如 LZ-2026-000123，或 路灯 不亮" />
            </Form.Item>
            {byPhone && (
              <Form.Item label="来电号码" name="phone" style={{ marginBottom: 0 }}>
                <Input style={{ width: 180 }} inputMode="tel" autoComplete="off" allowClear />
              </Form.Item>
            )}
            <Form.Item label="状态" name="stage" style={{ marginBottom: 0 }}>
              <Select style={{ width: 140 }} allowClear options={STAGES.map((s) => ({ value: s, label: STAGE_LABELS[s] }))} />
            </Form.Item>
            <Form.Item label="登记日期起" name="from" style={{ marginBottom: 0 }}>
              <Input type="date" style={{ width: 160 }} />
            </Form.Item>
            <Form.Item label="登记日期止" name="to" style={{ marginBottom: 0 }}>
              <Input type="date" style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name="overdue" valuePropName="checked" style={{ marginBottom: 0 }}>
              <Checkbox>仅看超期</Checkbox>
            </Form.Item>
            {/* Disabled while asking, not `loading`: the spinner's label would stay in the button's accessible name. */}
            <Button type="primary" htmlType="submit" disabled={loading}>
              查询
            </Button>
          </Flex>
        </Form>
      </Card>
      {result && (
        <Card>
          <Table<ListedCase>
            aria-label="查询结果"
            rowKey="id"
            size="small"
            dataSource={result.items}
            pagination={false}
            locale={{ emptyText: '没有符合条件的工单' }}
            columns={[
              { title: '台账编号', dataIndex: 'ledgerNo', render: (no: string, c) => <Link to={`/cases/${c.id}`}>{no}</Link> },
              { title: '标题', dataIndex: 'title' },
              { title: '类型', dataIndex: 'type', render: (t: ListedCase['type']) => REQUEST_TYPE_LABELS[t] },
              {
                title: '状态',
                dataIndex: 'stage',
                render: (s: Stage, c) => (
                  <Flex gap={4}>
                    {STAGE_LABELS[s]}
                    {c.overdue && <Tag color="red">超期</Tag>}
                  </Flex>
                ),
              },
              { title: '承办单位', dataIndex: 'unit', render: (u: string | null) => unitName(units, u) },
              { title: '登记时间', dataIndex: 'registeredAt', render: formatTime },
              { title: '时限', dataIndex: 'dueAt', render: formatTime },
            ]}
          />
          {result.nextPageToken && (
            <Button style={{ marginTop: 12 }} onClick={() => void more()}>
              加载更多
            </Button>
          )}
        </Card>
      )}
    </Flex>
  );
}
