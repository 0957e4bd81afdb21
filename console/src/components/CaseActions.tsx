import { Alert, Button, Card, Checkbox, Flex, Form, Input, InputNumber, Modal, Radio, Select } from 'antd';
import { useState, type ReactNode } from 'react';
import { ACTIONS, type ActionKind, type ActionSpec } from '../../../domain/actions';
import { SATISFACTIONS, VOID_REASONS, type Stage } from '../../../domain/case';
import { SATISFACTION_LABELS, VOID_REASON_LABELS } from '../../../domain/labels';
import type { Unit } from '../../../domain/units';
import type { CaseView } from '../../../domain/view';
import { api, ApiFailure } from '../api';
import { chineseFieldMessage, chineseMessage } from '../errors';
import type { Session } from '../session';

/** One button on the case page: the action it posts, its name, the body it adds, and the form it asks for. */
interface ButtonSpec {
  kind: ActionKind;
  /** The button's Chinese name (also the dialog's title). */
  name: string;
  /** Fixed parts of the body (a review's level and decision...). */
  fixed?: (view: CaseView) => Record<string, unknown>;
  /** The dialog's fields; none: the action is sent on the click. */
  fields?: (units: Unit[]) => ReactNode;
  danger?: boolean;
}

const note = (label: string, required = false) => (
  <Form.Item label={label} name="note" rules={required ? [{ required: true, message: `请填写${label}` }] : []}>
    <Input.TextArea rows={3} />
  </Form.Item>
);

const BUTTONS: ButtonSpec[] = [
  {
    kind: 'assign',
    name: '交办',
    fields: (units) => (
      <>
        <Form.Item label="承办单位" name="unit" rules={[{ required: true, message: '请选择承办单位' }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={units.map((u) => ({ value: u.code, label: u.name }))} />
        </Form.Item>
        <Form.Item label="协办单位（可多选）" name="supporting">
          <Select
            mode="multiple"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            options={units.map((u) => ({ value: u.code, label: u.name }))}
          />
        </Form.Item>
        {note('交办意见')}
      </>
    ),
  },
  {
    kind: 'reassign',
    name: '改派',
    fields: (units) => (
      <>
        <Form.Item label="改派至单位" name="unit" rules={[{ required: true, message: '请选择改派单位' }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={units.map((u) => ({ value: u.code, label: u.name }))} />
        </Form.Item>
        <Form.Item label="改派理由" name="reason" rules={[{ required: true, message: '请填写改派理由' }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </>
    ),
  },
  { kind: 'accept', name: '签收' },
  {
    kind: 'return',
    name: '退单',
    danger: true,
    fields: () => (
      <Form.Item label="退单理由" name="reason" rules={[{ required: true, message: '请填写退单理由' }]}>
        <Input.TextArea rows={3} />
      </Form.Item>
    ),
  },
  {
    kind: 'returnDecision',
    name: '同意退单',
    fixed: () => ({ accept: true }),
    fields: (units) => (
      <>
        <Form.Item label="改派至单位（可不选，退回待交办）" name="unit">
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={units.map((u) => ({ value: u.code, label: u.name }))} />
        </Form.Item>
        {note('审核意见')}
      </>
    ),
  },
  { kind: 'returnDecision', name: '不同意退单', danger: true, fixed: () => ({ accept: false }), fields: () => note('不同意理由', true) },
  {
    kind: 'appeal',
    name: '申诉',
    fields: () => (
      <Form.Item label="申诉理由" name="reason" rules={[{ required: true, message: '请填写申诉理由' }]}>
        <Input.TextArea rows={3} />
      </Form.Item>
    ),
  },
  {
    kind: 'appealDecision',
    name: '申诉裁决',
    fields: (units) => (
      <>
        <Form.Item label="裁定承办单位" name="unit" rules={[{ required: true, message: '请选择承办单位' }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={units.map((u) => ({ value: u.code, label: u.name }))} />
        </Form.Item>
        {note('裁决理由', true)}
      </>
    ),
  },
  {
    kind: 'contribute',
    name: '提交协办意见',
    fields: () => (
      <Form.Item label="协办意见" name="note" rules={[{ required: true, message: '请填写协办意见' }]}>
        <Input.TextArea rows={4} />
      </Form.Item>
    ),
  },
  { kind: 'progress', name: '填写进展', fields: () => note('办理进展', true) },
  {
    kind: 'submit',
    name: '提交',
    fields: () => (
      <Form.Item label="办理结果" name="result" rules={[{ required: true, message: '请填写办理结果' }]}>
        <Input.TextArea rows={5} />
      </Form.Item>
    ),
  },
  {
    kind: 'review',
    name: '通过',
    fixed: (v) => ({ level: v.reviewLevel, decision: 'approve' }),
    fields: () => (
      <Form.Item label="审核意见" name="comment">
        <Input.TextArea rows={3} />
      </Form.Item>
    ),
  },
  {
    kind: 'review',
    name: '退回',
    danger: true,
    fixed: (v) => ({ level: v.reviewLevel, decision: 'reject' }),
    fields: () => (
      <Form.Item label="退回意见" name="comment" rules={[{ required: true, message: '退回必须填写意见' }]}>
        <Input.TextArea rows={3} />
      </Form.Item>
    ),
  },
  {
    kind: 'callback',
    name: '回访',
    fields: () => (
      <>
        <Form.Item label="满意度" name="result" rules={[{ required: true, message: '请选择满意度' }]}>
          <Radio.Group options={SATISFACTIONS.map((s) => ({ value: s, label: SATISFACTION_LABELS[s] }))} />
        </Form.Item>
        <Form.Item name="resolved" valuePropName="checked" label="问题是否解决">
          <Checkbox>问题已解决</Checkbox>
        </Form.Item>
        {note('回访记录')}
      </>
    ),
  },
  {
    kind: 'extension',
    name: '申请延期',
    fields: () => (
      <>
        <Form.Item label="延期工作日" name="workingDays" rules={[{ required: true, message: '请填写延期工作日' }]}>
          <InputNumber min={1} max={60} />
        </Form.Item>
        <Form.Item label="延期理由" name="reason" rules={[{ required: true, message: '请填写延期理由' }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </>
    ),
  },
  { kind: 'extensionDecision', name: '批准延期', fixed: () => ({ approve: true }), fields: () => note('审批意见') },
  { kind: 'extensionDecision', name: '不批准延期', danger: true, fixed: () => ({ approve: false }), fields: () => note('审批意见') },
  { kind: 'urge', name: '督办', fields: () => note('督办意见', true) },
  {
    kind: 'answer',
    name: '直接答复',
    fields: () => (
      <Form.Item label="答复内容" name="answer" rules={[{ required: true, message: '请填写答复内容' }]}>
        <Input.TextArea rows={4} />
      </Form.Item>
    ),
  },
  {
    kind: 'void',
    name: '无效工单',
    danger: true,
    fields: () => (
      <>
        <Form.Item label="无效原因" name="reason" rules={[{ required: true, message: '请选择无效原因' }]}>
          <Radio.Group options={VOID_REASONS.map((r) => ({ value: r, label: VOID_REASON_LABELS[r] }))} />
        </Form.Item>
        {note('说明')}
      </>
    ),
  },
  { kind: 'decision', name: '重办', fixed: () => ({ action: 'reopen' }), fields: () => note('决定理由', true) },
  { kind: 'decision', name: '办结', fixed: () => ({ action: 'close' }), fields: () => note('决定理由', true) },
  { kind: 'spotCheck', name: '抽查通过', fixed: () => ({ passed: true }), fields: () => note('抽查记录', true) },
  { kind: 'spotCheck', name: '抽查不通过', danger: true, fixed: () => ({ passed: false }), fields: () => note('抽查记录', true) },
];

/** Whether this person may take the action now, by the same catalogue the API and the workflow enforce. */
function mayTake(kind: ActionKind, view: CaseView, person: Session['person']): boolean {
  const spec = ACTIONS[kind];
  if (!spec.routed || !person.roles.includes(spec.role) || !(spec.stages as readonly Stage[]).includes(view.stage)) return false;
  const supporting = view.supporting ?? [];
  if ((spec as ActionSpec).supportingUnits) return supporting.some((s) => s.unit === person.unit && !s.contribution);
  if (spec.unitBound && person.unit !== view.unit) return false;
  if (kind === 'review') return view.reviewLevel !== null && person.levels.includes(view.reviewLevel);
  if (kind === 'extensionDecision') return view.extension.pending !== null;
  if (kind === 'extension') return view.extension.pending === null;
  if (kind === 'returnDecision') return !!view.returnRequest;
  if (kind === 'return') return !view.returnRequest && !view.appeal && !(view.returnRefusals ?? []).some((r) => r.unit === view.unit);
  if (kind === 'appeal')
    return (
      !!view.policy.returnsDecided && !view.appeal && !view.returnRequest && (view.returnRefusals ?? []).some((r) => r.unit === view.unit)
    );
  if (kind === 'appealDecision') return !!view.appeal;
  if (kind === 'answer') return view.type === 'consultation';
  if (kind === 'spotCheck') return view.spotCheck.round !== null && view.spotCheck.result === null;
  return true;
}

/** The buttons this person may press on this case, each asking for what its action needs and saying refusals in Chinese. */
export function CaseActions({
  view,
  session,
  units,
  onChanged,
}: {
  view: CaseView;
  session: Session;
  units: Unit[];
  onChanged: (v: CaseView) => void;
}) {
  const [open, setOpen] = useState<{ spec: ButtonSpec; key: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const buttons = BUTTONS.filter((b) => mayTake(b.kind, view, session.person));
  if (buttons.length === 0) return null;

  const send = async (spec: ButtonSpec, key: string, values: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const body = Object.fromEntries(Object.entries({ ...values, ...spec.fixed?.(view) }).filter(([, v]) => v !== undefined && v !== ''));
      const next = await api<CaseView>('POST', `/cases/${view.id}/${ACTIONS[spec.kind].path}`, body, { 'idempotency-key': key });
      onChanged(next);
      setOpen(null);
      form.resetFields();
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'invalid_input')
        form.setFields(Object.entries(err.fieldErrors()).map(([f, m]) => ({ name: f, errors: [chineseFieldMessage(f, m)] })));
      setError(chineseMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const press = (spec: ButtonSpec) => {
    const key = crypto.randomUUID();
    if (spec.fields) {
      setError(null);
      setOpen({ spec, key });
    } else void send(spec, key, {});
  };

  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>办理</h2>}>
      {error && !open && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 12 }} />}
      <Flex wrap gap={8}>
        {buttons.map((b) => (
          <Button key={b.name} type={b.danger ? 'default' : 'primary'} danger={b.danger} loading={busy && !open} onClick={() => press(b)}>
            {b.name}
          </Button>
        ))}
      </Flex>
      <Modal
        open={open !== null}
        title={open?.spec.name}
        okText={open?.spec.name ? `确认${open.spec.name}` : '确认'}
        cancelText="取消"
        confirmLoading={busy}
        onCancel={() => setOpen(null)}
        onOk={() =>
          // A field left wrong is shown next to it by the form itself; nothing is sent.
          void form.validateFields().then(
            (v: Record<string, unknown>) => open && send(open.spec, open.key, v),
            () => undefined,
          )
        }
        destroyOnHidden
      >
        {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" preserve={false}>
          {open?.spec.fields?.(units)}
        </Form>
      </Modal>
    </Card>
  );
}
