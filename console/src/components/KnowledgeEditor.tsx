import { Alert, Form, Input, Modal, Select } from 'antd';
import { useEffect, useState } from 'react';
import { KNOWLEDGE_COLUMNS, KnowledgeInputSchema, type KnowledgeDraft, type KnowledgeEntry } from '../../../domain/knowledge';
import { api, ApiFailure } from '../api';
import { chineseFieldMessage, chineseMessage } from '../errors';
import { send } from '../knowledge-api';

/** The form's values: dates as the native date inputs hold them ('' when empty). */
type Values = Omit<KnowledgeDraft, 'validTo'> & { validTo?: string };

const LABELS: Record<string, string> = KNOWLEDGE_COLUMNS;

/**
 * 新增条目 / 编辑条目: an entry's fields in a dialog, checked by the API's own schema before sending. An edit is made
 * from the version shown: if someone changed the entry meanwhile, the API refuses (409) and nothing is overwritten.
 */
export function KnowledgeEditor({
  entry,
  onClose,
  onSaved,
}: {
  /** The entry to edit; null: a new one. */
  entry: KnowledgeEntry | null;
  onClose: () => void;
  onSaved: (saved: KnowledgeEntry) => void;
}) {
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    form.resetFields();
    if (entry) form.setFieldsValue({ ...entry, validTo: entry.validTo ?? '' });
  }, [entry, form]);

  const showFieldErrors = (errors: Record<string, string>) =>
    form.setFields(
      Object.entries(errors).map(([field, message]) => ({
        name: field.split('.')[0] as keyof Values,
        errors: [chineseFieldMessage(LABELS[field.split('.')[0]] ?? field, message)],
      })),
    );

  const save = async () => {
    setError(null);
    const values = form.getFieldsValue(true);
    const parsed = KnowledgeInputSchema.safeParse({ ...values, validTo: values.validTo ? values.validTo : null });
    if (!parsed.success) {
      showFieldErrors(Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message])));
      return;
    }
    setSaving(true);
    try {
      const saved = entry
        ? await send<KnowledgeEntry>('PUT', `/knowledge/${entry.id}`, { ...parsed.data, version: entry.version })
        : await api<KnowledgeEntry>('POST', '/knowledge', parsed.data);
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'invalid_input') showFieldErrors(err.fieldErrors());
      setError(err instanceof ApiFailure && err.code === 'conflict' ? '该条目已被他人修改或已停用，请关闭后刷新再改' : chineseMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={entry ? `编辑条目 ${entry.id}` : '新增条目'}
      okText="保存"
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void save()}
      onCancel={onClose}
      width={720}
    >
      {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} />}
      <Form form={form} name="knowledge-entry" layout="vertical" initialValues={{ keywords: [], source: '' }}>
        <Form.Item label="问题" name="question" required>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item label="答案" name="answer" required>
          <Input.TextArea rows={6} maxLength={10_000} />
        </Form.Item>
        <Form.Item label="分类" name="category" required>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label="关键词" name="keywords" extra="输入后按回车，可填多个">
          <Select mode="tags" open={false} tokenSeparators={[',', '，', '、', ' ']} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 16 }}>
          <Form.Item label="有效期起" name="validFrom" required>
            <Input type="date" />
          </Form.Item>
          <Form.Item label="有效期止" name="validTo" extra="不填为长期有效">
            <Input type="date" />
          </Form.Item>
        </div>
        <Form.Item label="来源" name="source">
          <Input maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
