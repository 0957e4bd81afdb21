import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { chineseMessage } from '../errors';

/** 工单查询: open a case by its id (search by ledger number, phone or words comes with the read model's search). */
export default function LookupPage() {
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const open = async ({ id }: { id: string }) => {
    setError(null);
    try {
      await api('GET', `/cases/${encodeURIComponent(id.trim())}`);
      void navigate(`/cases/${id.trim()}`);
    } catch (err) {
      setError(chineseMessage(err));
    }
  };
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 18 }}>工单查询</h1>} style={{ maxWidth: 640 }}>
      {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} />}
      <Form layout="inline" onFinish={(v: { id: string }) => void open(v)}>
        <Form.Item label="工单编号" name="id" rules={[{ required: true, message: '请填写工单编号' }]}>
          <Input style={{ width: 260 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          查询
        </Button>
      </Form>
    </Card>
  );
}
