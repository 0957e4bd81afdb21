import { ATTACHMENT_TYPES, type AttachmentType } from '../../../domain/attachments';
import { ApiFailure } from '../api';
import { chineseMessage } from '../errors';

const TYPE_LABELS: Record<AttachmentType, string> = {
  'image/jpeg': 'JPG 图片',
  'image/png': 'PNG 图片',
  'image/webp': 'WebP 图片',
  'application/pdf': 'PDF 文档',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word 文档',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel 表格',
};

export function typeLabel(type: AttachmentType): string {
  return TYPE_LABELS[type] ?? ATTACHMENT_TYPES[type];
}

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A refused upload or download in Chinese: the limits and a missing file said as such, the rest as everywhere. */
export function attachmentMessage(err: unknown): string {
  if (err instanceof ApiFailure) {
    const limit = (err.details as { limit?: number } | undefined)?.limit;
    if (err.code === 'conflict' && limit !== undefined) return `每件工单最多上传 ${limit} 个附件`;
    if (err.code === 'not_found') return '没有找到该附件';
  }
  return chineseMessage(err);
}
