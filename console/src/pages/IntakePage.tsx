import { Alert, Button, Card, Checkbox, Form, Input, Result, Select, Space } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { CHANNELS, NewCaseSchema, REQUEST_TYPES, type NewCase } from '../../../domain/case';
import { CHANNEL_LABELS, REQUEST_TYPE_LABELS } from '../../../domain/labels';
import type { CaseView } from '../../../domain/view';
import { api, ApiFailure } from '../api';
import { CitizenCases } from '../components/CitizenCases';
import { IntakeAttachments, uploadIntakeFiles } from '../components/IntakeAttachments';
import { KnowledgeSearch, recordKnowledgeUse } from '../components/KnowledgeSearch';
import { chineseFieldMessage, chineseMessage } from '../errors';
import { clearDraft, loadDraft, saveDraft } from '../session';
import { useUnits } from '../units';

/** The form's fields as flat names, with their visible labels (errors name the label). */
const LABELS: Record<string, string> = {
  channel: '渠道',
  type: '诉求类型',
  'citizen.name': '诉求人姓名',
  'citizen.phone': '联系电话',
  title: '标题',
  content: '诉求内容',
  location: '地点',
  category: '分类',
  about: '被反映单位',
  answer: '直接答复内容',
};

interface Draft {
  values: Partial<NewCase>;
  /** One key per registration, kept with the draft: sending it again (a timeout, a lost answer) never makes two cases. */
  key: string;
}

const newDraft = (): Draft => ({
  values: { channel: 'hotline', type: 'complaint', urgent: false, confidential: false },
  key: crypto.randomUUID(),
});

/** 登记: the operator's intake form, validated by the same schema as the API, keyboard first (Tab through, Enter sends). */
export default function IntakePage() {
  const [form] = Form.useForm();
  const units = useUnits();
  const [draft, setDraft] = useState<Draft>(() => loadDraft<Draft>('intake') ?? newDraft());
  const [receipt, setReceipt] = useState<CaseView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const type = Form.useWatch('type', form) as NewCase['type'] | undefined;
  const phone = Form.useWatch(['citizen', 'phone'], form) as string | undefined;

  const showFieldErrors = (errors: Record<string, string>) =>
    form.setFields(
      Object.entries(errors).map(([field, message]) => ({
        name: field.split('.'),
        errors: [chineseFieldMessage(LABELS[field] ?? field, message)],
      })),
    );

  const submit = async () => {
    setError(null);
    const values = form.getFieldsValue(true) as Partial<NewCase>;
    const parsed = NewCaseSchema.safeParse(values);
    if (!parsed.success) {
      showFieldErrors(Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message])));
      return;
    }
    setSending(true);
    try {
      const view = await api<CaseView>('POST', '/cases', parsed.data, { 'idempotency-key': draft.key });
      clearDraft('intake');
      recordKnowledgeUse(form, view);
      uploadIntakeFiles(form, view);
      setReceipt(view);
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'invalid_input') showFieldErrors(err.fieldErrors());
      setError(chineseMessage(err));
    } finally {
      setSending(false);
    }
  };

  if (receipt) {
    return (
      <Result
        status="success"
        title={`登记成功，台账编号 ${receipt.ledgerNo}`}
        subTitle={receipt.stage === 'closed' ? '已直接答复，工单已办结。' : '已向诉求人发送受理回执。'}
        extra={[
          <Link key="case" to={`/cases/${receipt.id}`}>
            查看工单
          </Link>,
          <Button
            key="next"
            type="primary"
            onClick={() => {
              const next = newDraft();
              setDraft(next);
              form.setFieldsValue(next.values);
              setReceipt(null);
            }}
          >
            登记下一件
          </Button>,
        ]}
      />
    );
  }

  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 18 }}>登记诉求</h1>} style={{ maxWidth: 880 }}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form
        form={form}
        layout="vertical"
        initialValues={draft.values}
        onValuesChange={(_, all) => saveDraft('intake', { ...draft, values: all })}
        onFinish={() => void submit()}
      >
        <Space wrap size="large">
          <Form.Item label="渠道" name="channel" required>
            <Select style={{ width: 160 }} options={CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] }))} />
          </Form.Item>
          <Form.Item label="诉求类型" name="type" required>
            <Select style={{ width: 160 }} options={REQUEST_TYPES.map((t) => ({ value: t, label: REQUEST_TYPE_LABELS[t] }))} />
          </Form.Item>
          <Form.Item name="urgent" valuePropName="checked" label="紧急">
            <Checkbox>紧急</Checkbox>
          </Form.Item>
          <Form.Item name="confidential" valuePropName="checked" label="保密">
            <Checkbox>为诉求人保密</Checkbox>
          </Form.Item>
        </Space>
        <Space wrap size="large">
          <Form.Item label="诉求人姓名" name={['citizen', 'name']} required>
            <Input style={{ width: 220 }} autoComplete="off" />
          </Form.Item>
          <Form.Item label="联系电话" name={['citizen', 'phone']} required>
            <Input style={{ width: 220 }} autoComplete="off" inputMode="tel" />
          </Form.Item>
        </Space>
        <CitizenCases phone={phone} />
        <Form.Item label="标题" name="title" required>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label="诉求内容" name="content" required>
          <Input.TextArea rows={5} maxLength={10_000} />
        </Form.Item>
        <KnowledgeSearch form={form} />
        <Space wrap size="large">
          <Form.Item label="地点" name="location">
            <Input style={{ width: 320 }} />
          </Form.Item>
          <Form.Item label="分类" name="category">
            <Input style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label="被反映单位" name="about">
            <Select
              style={{ width: 240 }}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              options={units.map((u) => ({ value: u.code, label: u.name }))}
            />
          </Form.Item>
        </Space>
        <IntakeAttachments form={form} />
        {type === 'consultation' && (
          <Form.Item label="直接答复内容" name="answer" extra="咨询类诉求可当场答复，填写后工单直接办结。">
            <Input.TextArea rows={3} />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" loading={sending}>
          登记
        </Button>
      </Form>
    </Card>
  );
}
