import { App, Button, Form, Upload, type FormInstance, type UploadFile } from 'antd';
import { useEffect, useState } from 'react';
import { ATTACHMENT_EXTENSIONS } from '../../../domain/attachments';
import { uploadFile } from '../upload';
import { attachmentMessage } from './attachment-labels';

type Notify = ReturnType<typeof App.useApp>['notification'];

/**
 * What the intake form holds for the registration that follows: the files chosen and how to tell the operator how
 * their upload went (the form itself is gone by then, replaced by the receipt). Kept beside the form, not in its
 * values: files are not JSON, and the form's values are the registration's body and its saved draft.
 */
const pending = new WeakMap<FormInstance, { files: File[]; notify: Notify }>();

/**
 * 附件 on the intake form: the citizen's photos and documents, chosen before 登记 and uploaded as 诉求材料 right
 * after the case is registered (uploadIntakeFiles). Not kept across a reload, unlike the typed draft.
 */
export function IntakeAttachments({ form }: { form: FormInstance }) {
  const { notification } = App.useApp();
  const [files, setFiles] = useState<UploadFile[]>([]);

  useEffect(() => {
    pending.set(form, { files: files.map((f) => f.originFileObj).filter((f): f is NonNullable<typeof f> => !!f), notify: notification });
  }, [form, files, notification]);

  return (
    <Form.Item label="附件" extra="可选：现场照片、证明材料等，登记后自动上传（支持 JPG、PNG、WebP、PDF、Word、Excel）">
      <Upload
        accept={ATTACHMENT_EXTENSIONS.join(',')}
        multiple
        fileList={files}
        beforeUpload={() => false} // kept here until the case exists
        onChange={({ fileList }) => setFiles(fileList)}
      >
        <Button>选择附件</Button>
      </Upload>
    </Form.Item>
  );
}

/**
 * After a registration: the files chosen on the form go to the new case as the citizen's (诉求材料), one by one; the
 * receipt does not wait, and the operator is told when they are all there or which were refused and why (they can
 * be added on the case page). A retried upload of the same file is the same attachment, so nothing is stored twice.
 */
export function uploadIntakeFiles(form: FormInstance, view: { id: string }): void {
  const chosen = pending.get(form);
  pending.delete(form);
  if (!chosen || chosen.files.length === 0) return;
  void (async () => {
    const failed: string[] = [];
    for (const file of chosen.files) {
      try {
        await uploadFile(`/cases/${encodeURIComponent(view.id)}/attachments?kind=intake&name=${encodeURIComponent(file.name)}`, file);
      } catch (err) {
        failed.push(`${file.name}：${attachmentMessage(err)}`);
      }
    }
    if (failed.length === 0) chosen.notify.success({ title: `已上传 ${chosen.files.length} 个附件` });
    else chosen.notify.error({ title: '部分附件未能上传，可在工单页补传', description: failed.join('；'), duration: 0 });
  })();
}
