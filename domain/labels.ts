/**
 * The Chinese names people read for the domain's words, apart from the zod schemas that define the words: the
 * console's first screen needs the names, not zod. Each file that owns a word re-exports its names typed by it
 * (`STAGE_LABELS: Record<Stage, string>` in case.ts...), so a word without a name fails to compile there.
 */

export const CHANNEL_LABELS = {
  hotline: '12345热线',
  mailbox: '领导信箱',
  online: '网络问政',
  window: '窗口',
} as const;

export const REQUEST_TYPE_LABELS = {
  consultation: '咨询',
  help: '求助',
  suggestion: '建议',
  complaint: '投诉',
  report: '举报',
} as const;

export const STAGE_LABELS = {
  registered: '已登记',
  assigned: '已交办',
  rectifying: '整改中',
  reviewing: '审核中',
  replied: '已回复',
  deciding: '待督办决定',
  closed: '已办结',
} as const;

export const SATISFACTION_LABELS = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  unreachable: '无法联系',
} as const;

export const VOID_REASON_LABELS = {
  prank: '恶意骚扰',
  silent: '无声电话',
  wrong_number: '打错电话',
  test: '测试',
  other: '其他',
} as const;

export const ROLE_LABELS = {
  operator: '话务员',
  dispatcher: '派单员',
  handler: '承办人',
  reviewer: '审核人',
  supervisor: '督办员',
  admin: '管理员',
} as const;

export const REVIEW_LEVEL_LABELS = { 1: '初审', 2: '审核', 3: '审发' } as const;

export const AWAITING_LABELS = {
  assign: '待交办',
  sign_for: '待签收',
  rectify: '办理中',
  review: '待审核',
  callback: '待回访',
  extension_decision: '延期待批',
  red_flag: '红牌督办',
  return_decision: '退单待审',
  appeal_decision: '申诉待裁',
  contribute: '待协办',
} as const;

export const STUCK_REASON_LABELS = { overdue: '超期', due_soon: '临期', stalled: '滞留' } as const;
