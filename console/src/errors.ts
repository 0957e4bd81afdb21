import type { Stage } from '../../domain/case';
import { STAGE_LABELS } from '../../domain/labels';
import { ApiFailure } from './api';

const BY_CODE: Record<ApiFailure['code'], string> = {
  invalid_input: '填写的内容有误，请按提示修改',
  unauthorized: '登录已过期，请重新登录',
  forbidden: '您没有权限进行此操作',
  not_found: '没有找到该工单',
  conflict: '当前状态下不能进行此操作',
  too_large: '文件过大，超过允许的大小',
  unsupported_type: '文件类型不支持，请上传 JPG、PNG、WebP、PDF、Word（docx）或 Excel（xlsx）文件',
  rate_limited: '操作过于频繁，请稍后再试',
  unavailable: '系统繁忙，请稍后再试',
  network: '网络连接失败，请检查网络后重试',
};

/**
 * A refusal said in Chinese, from the API's error code and the details it carries (the stage a case is in, the
 * extension cap...). The API's English message is for developers and logs; people read this.
 */
export function chineseMessage(err: unknown): string {
  if (!(err instanceof ApiFailure)) return '操作失败，请重试';
  if (err.code === 'conflict') {
    const stage = (err.details as { stage?: Stage } | undefined)?.stage;
    if (err.message.includes('Idempotency-Key')) return '同一请求已用于另一份不同的登记，请刷新后重新填写';
    if (err.message.includes('reviewed') || err.message.includes('submitted'))
      return '同一人不能审核自己提交的结果，也不能在同一轮中审核两个级别';
    if (stage) return `该工单当前为「${STAGE_LABELS[stage]}」，不能进行此操作`;
  }
  if (err.code === 'forbidden' && err.message.includes('unit')) return '该工单不属于您的单位';
  return BY_CODE[err.code];
}

/** A field's refusal in Chinese, next to the field: `label` is the field's visible label. */
export function chineseFieldMessage(label: string, apiMessage: string): string {
  if (/required|expected .*received undefined|too small|>=1 characters|at least 1/i.test(apiMessage)) return `请填写${label}`;
  if (/too big|<=|at most/i.test(apiMessage)) return `${label}过长`;
  return `${label}格式不正确`;
}
