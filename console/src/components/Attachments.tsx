import { Alert, Button, Card, Flex, Form, Select, Table, Typography, Upload } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import {
  ATTACHMENT_EXTENSIONS,
  ATTACHMENT_KIND_LABELS,
  uploadableKinds,
  type Attachment,
  type AttachmentKind,
  type AttachmentList,
} from '../../../domain/attachments';
import type { CaseView } from '../../../domain/view';
import { api } from '../api';
import { download } from '../download';
import { formatTime } from '../format';
import type { Session } from '../session';
import { uploadFile } from '../upload';
import { attachmentMessage, sizeText, typeLabel } from './attachment-labels';

/**
 * 附件 on the case page: the case's files as the API lets this person see them (a confidential reporter's own files
 * never reach the unit concerned), each downloaded through the API with this tab's token (and audited there), and
 * 上传附件 for those who may add one now — the operator the citizen's files, the unit its 整改材料 / 办理结果材料.
 */
export function Attachments({ view, session }: { view: CaseView; session: Session }) {
  const [items, setItems] = useState<Attachment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const kinds = uploadableKinds(view, session.person);
  const [chosen, setChosen] = useState<AttachmentKind | undefined>(undefined);
  const kind = chosen && kinds.includes(chosen) ? chosen : kinds[0];

  const load = useCallback(
    () =>
      api<AttachmentList>('GET', `/cases/${encodeURIComponent(view.id)}/attachments`)
        .then((list) => setItems(list.items))
        .catch((err: unknown) => setError(attachmentMessage(err))),
    [view.id],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const send = async (file: File) => {
    if (!kind) return;
    setSending(true);
    setError(null);
    try {
      const added = await uploadFile<Attachment>(
        `/cases/${encodeURIComponent(view.id)}/attachments?kind=${kind}&name=${encodeURIComponent(file.name)}`,
        file,
      );
      setItems((now) => (now?.some((a) => a.id === added.id) ? now : [...(now ?? []), added]));
    } catch (err) {
      setError(`${file.name}：${attachmentMessage(err)}`);
    } finally {
      setSending(false);
    }
  };

  const save = (a: Attachment) =>
    download(`/cases/${encodeURIComponent(view.id)}/attachments/${encodeURIComponent(a.id)}`, a.name).catch((err: unknown) =>
      setError(attachmentMessage(err)),
    );

  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>附件</h2>}>
      {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 12 }} />}
      <Table<Attachment>
        aria-label="附件列表"
        size="small"
        rowKey="id"
        loading={items === null && !error}
        dataSource={items ?? []}
        pagination={false}
        locale={{ emptyText: '暂无附件' }}
        columns={[
          {
            title: '文件名',
            key: 'name',
            render: (_, a) => (
              <Button type="link" style={{ padding: 0 }} aria-label={`下载 ${a.name}`} onClick={() => void save(a)}>
                {a.name}
              </Button>
            ),
          },
          { title: '材料类别', key: 'kind', render: (_, a) => ATTACHMENT_KIND_LABELS[a.kind] },
          { title: '文件类型', key: 'type', render: (_, a) => typeLabel(a.contentType) },
          { title: '大小', key: 'size', render: (_, a) => sizeText(a.size) },
          { title: '上传人', key: 'by', render: (_, a) => a.uploadedBy.name },
          { title: '上传时间', key: 'at', render: (_, a) => formatTime(a.at) },
        ]}
      />
      {kind && (
        <Flex gap={12} align="end" wrap style={{ marginTop: 12 }}>
          <Form.Item label="材料类别" htmlFor="attachment-kind" style={{ margin: 0 }}>
            <Select
              id="attachment-kind"
              style={{ width: 180 }}
              value={kind}
              onChange={setChosen}
              options={kinds.map((k) => ({ value: k, label: ATTACHMENT_KIND_LABELS[k] }))}
            />
          </Form.Item>
          <Upload
            accept={ATTACHMENT_EXTENSIONS.join(',')}
            showUploadList={false}
            multiple
            beforeUpload={(file) => {
              void send(file);
              return false; // sent by send(), as raw bytes with the bearer token
            }}
          >
            <Button loading={sending}>上传附件</Button>
          </Upload>
          <Typography.Text type="secondary">支持 JPG、PNG、WebP、PDF、Word（docx）、Excel（xlsx）</Typography.Text>
        </Flex>
      )}
    </Card>
  );
}
