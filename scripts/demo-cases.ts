/**
 * What `npm run demo` puts into a running Huiying: requests of Lezhi County's citizens as its hotline takes them,
 * each with the steps its people have taken so far (through the API, as the console's demo people), and the closed
 * cases of last month as the county's old ledger records them. Content only; scripts/demo.ts carries it out.
 */
import type { NewCase, Stage } from '../domain/case';
import type { HistoricalCase } from '../domain/historical-ledger';

/** Who takes a step: the demo people of the development login (domain/demo-people.ts). */
export type DemoActor = 'operator' | 'dispatcher' | 'supervisor' | { reviewer: 1 | 2 | 3 } | { handler: string };

export interface DemoStep {
  /** The action's path under /cases/:id/ (domain/actions.ts). */
  action: string;
  as: DemoActor;
  body: Record<string, unknown>;
}

export interface DemoCase {
  /** Stable: the case id and every action's Idempotency-Key come from it, so a second run finds what the first made. */
  key: string;
  request: NewCase;
  /** Registered this many working days before today at a time of day (Shanghai), or this many hours ago. */
  registered: { workingDaysAgo: number; at: string } | { hoursAgo: number };
  steps: DemoStep[];
  /** Where the steps leave it: a case found there was finished by an earlier run. */
  stage: Stage;
  /** What its own deadline timer gives it once it runs (its registration is old enough). */
  marks?: 'overdue' | 'red_flag';
  /** What it shows, and where (the printout). */
  shows: string;
}

const assign = (unit: string, extra: Record<string, unknown> = {}): DemoStep => ({
  action: 'assign',
  as: 'dispatcher',
  body: { unit, ...extra },
});
const accept = (unit: string): DemoStep => ({ action: 'accept', as: { handler: unit }, body: {} });
const progress = (unit: string, note: string): DemoStep => ({ action: 'progress', as: { handler: unit }, body: { note } });
const submit = (unit: string, result: string): DemoStep => ({ action: 'submit', as: { handler: unit }, body: { result } });
const approve = (level: 1 | 2 | 3): DemoStep => ({ action: 'review', as: { reviewer: level }, body: { level, decision: 'approve' } });
const callback = (result: string, resolved?: boolean): DemoStep => ({
  action: 'callback',
  as: 'operator',
  body: { result, ...(resolved === undefined ? {} : { resolved }) },
});
/** Signed for, handled, submitted and approved at every level: the answer has gone to the citizen. */
const handled = (unit: string, note: string, result: string): DemoStep[] => [
  assign(unit),
  accept(unit),
  progress(unit, note),
  submit(unit, result),
  approve(1),
  approve(2),
  approve(3),
];

const request = (
  type: NewCase['type'],
  name: string,
  phone: string,
  title: string,
  content: string,
  location: string,
  extra: Partial<NewCase> = {},
): NewCase => ({
  channel: 'hotline',
  type,
  urgent: false,
  confidential: false,
  citizen: { name, phone },
  title,
  content,
  location,
  ...extra,
});

export const DEMO_CASES: readonly DemoCase[] = [
  {
    key: 'drain-blocked',
    request: request(
      'complaint',
      '张建华',
      '13551230417',
      '帅乡大道排水沟堵塞',
      '帅乡大道东段排水沟被建筑垃圾堵塞，下雨后路面积水没过脚踝，行人只能绕行。',
      '天池街道帅乡大道东段',
    ),
    registered: { workingDaysAgo: 8, at: '09:12' },
    steps: [],
    stage: 'registered',
    marks: 'red_flag',
    shows: '无人交办，已超期并亮红牌（督办工作台、钱督办的待办）',
  },
  {
    key: 'lift-stops',
    request: request(
      'help',
      '刘秀英',
      '13908172265',
      '小区电梯频繁停运',
      '南塔街道某小区3栋电梯一周内停运三次，楼上有行动不便的老人，请督促物业维修。',
      '南塔街道迎宾大道',
    ),
    registered: { workingDaysAgo: 2, at: '15:40' },
    steps: [],
    stage: 'registered',
    marks: 'overdue',
    shows: '交办已超期（赵派单的待办、督办工作台）',
  },
  {
    key: 'flexible-pension',
    request: request(
      'consultation',
      '王志强',
      '15082736491',
      '灵活就业人员社保缴费咨询',
      '本人在县城跑外卖，想了解以灵活就业人员身份缴纳养老保险的条件和每月缴费标准。',
      '天池街道',
      { channel: 'online' },
    ),
    registered: { hoursAgo: 1 },
    steps: [],
    stage: 'registered',
    shows: '刚登记，待交办（赵派单的待办）',
  },
  {
    key: 'bus-shelter',
    request: request(
      'help',
      '陈丽',
      '13778245510',
      '公交站台遮阳棚破损',
      '县人民医院站公交站台遮阳棚顶板脱落一块，悬在半空，担心砸到候车群众。',
      '天池街道县人民医院公交站',
    ),
    registered: { hoursAgo: 3 },
    steps: [assign('transport', { note: '请尽快安排排查' })],
    stage: 'assigned',
    shows: '已交办县交通运输局，待签收（县交通运输局承办人的待办）',
  },
  {
    key: 'facade-falling',
    request: request(
      'complaint',
      '杨光明',
      '18781324456',
      '老旧小区外墙瓷砖脱落',
      '城北老旧小区外墙瓷砖大面积空鼓，近期已有瓷砖掉落在人行道上，请相关部门处理。',
      '天池街道城北片区',
    ),
    registered: { workingDaysAgo: 3, at: '10:05' },
    steps: [
      assign('housing-construction'),
      accept('housing-construction'),
      progress('housing-construction', '已现场查看，拉设警戒线，联系维修资金申请'),
    ],
    stage: 'rectifying',
    shows: '县住建局办理中，已填进展',
  },
  {
    key: 'pig-farm-odour',
    request: request(
      'complaint',
      '黄桂芳',
      '13541186632',
      '养殖场异味扰民',
      '回澜镇某村生猪养殖场粪污直排，周边住户夏天不敢开窗，要求整改。',
      '回澜镇',
    ),
    registered: { workingDaysAgo: 4, at: '11:20' },
    steps: [
      assign('ecology-environment'),
      accept('ecology-environment'),
      progress('ecology-environment', '已取样送检，责令养殖场停止直排'),
      { action: 'extension', as: { handler: 'ecology-environment' }, body: { workingDays: 5, reason: '需委托第三方检测机构出具报告' } },
    ],
    stage: 'rectifying',
    shows: '申请延期 5 个工作日，待钱督办审批',
  },
  {
    key: 'expired-food',
    request: request(
      'complaint',
      '赵德明',
      '15928457703',
      '超市销售过期食品',
      '在童家镇某超市购买的酸奶已过保质期两天，收银员拒绝退换。',
      '童家镇场镇',
    ),
    registered: { workingDaysAgo: 3, at: '16:30' },
    steps: [
      assign('market-regulation'),
      accept('market-regulation'),
      submit('market-regulation', '经现场检查，该超市下架过期食品12件，已立案调查，并为投诉人办理退款。'),
    ],
    stage: 'reviewing',
    shows: '待初审（孙初审的待办）',
  },
  {
    key: 'clinic-queue',
    request: request(
      'suggestion',
      '周玉兰',
      '13990214578',
      '社区卫生服务中心排队时间长',
      '建议南塔社区卫生服务中心上午增开一个挂号窗口，老人排队常要一个多小时。',
      '南塔街道社区卫生服务中心',
    ),
    registered: { workingDaysAgo: 5, at: '09:45' },
    steps: [assign('health'), accept('health'), submit('health', '已于周一起上午增开一个挂号窗口，并开通电话预约挂号。'), approve(1)],
    stage: 'reviewing',
    shows: '初审通过，待审核（周审核的待办）',
  },
  {
    key: 'school-traffic',
    request: request(
      'suggestion',
      '吴文斌',
      '18080937215',
      '学校门口上下学拥堵',
      '实验小学门口上下学时段接送车辆乱停，建议设置临时停车区并安排交警疏导。',
      '天池街道实验小学',
      { channel: 'mailbox' },
    ),
    registered: { workingDaysAgo: 6, at: '14:10' },
    steps: [
      assign('education-sports'),
      accept('education-sports'),
      submit('education-sports', '已会同交警在学校东侧划设临时停车区，上下学时段安排护学岗疏导。'),
      approve(1),
      approve(2),
    ],
    stage: 'reviewing',
    shows: '审核通过，待审发（吴审发的待办）',
  },
  {
    key: 'garbage-pickup',
    request: request(
      'complaint',
      '徐海燕',
      '13658821940',
      '小区垃圾清运不及时',
      '南塔街道某小区垃圾桶连续三天没人清运，气味很大。',
      '南塔街道',
    ),
    registered: { workingDaysAgo: 4, at: '08:55' },
    steps: handled('nanta-subdistrict', '已通知环卫公司当日清运', '已清运积存垃圾，并将该小区清运频次调整为每日两次。'),
    stage: 'replied',
    shows: '已答复市民，待回访（李话务的待办）',
  },
  {
    key: 'parking-fees',
    request: request(
      'complaint',
      '孙国庆',
      '15196348827',
      '安置小区车位乱收费',
      '安置小区物业按月收取地面停车费，没有任何公示和依据。',
      '天池街道安置小区',
    ),
    registered: { workingDaysAgo: 1, at: '10:30' },
    steps: [
      assign('market-regulation'),
      { action: 'return', as: { handler: 'market-regulation' }, body: { reason: '车位收费属物业服务管理，应由县住建局办理' } },
    ],
    stage: 'assigned',
    shows: '县市场监管局退单，待赵派单审核退单',
  },
  {
    key: 'hoarding-sidewalk',
    request: request(
      'complaint',
      '马红梅',
      '13882016734',
      '道路施工围挡占用人行道',
      '迎宾大道管网施工围挡把人行道全部占了，行人只能走机动车道。',
      '南塔街道迎宾大道',
    ),
    registered: { workingDaysAgo: 2, at: '09:30' },
    steps: [assign('housing-construction', { supporting: ['transport'] }), accept('housing-construction')],
    stage: 'rectifying',
    shows: '县住建局主办、县交通运输局协办（待协办）',
  },
  {
    key: 'unpaid-wages',
    request: request(
      'complaint',
      '胡振华',
      '18215567309',
      '农民工工资被拖欠',
      '在宝林镇某工地干了四个月，包工头拖欠我们十二个人的工资共计十八万元。',
      '宝林镇',
    ),
    registered: { workingDaysAgo: 5, at: '13:15' },
    steps: [
      assign('human-resources'),
      accept('human-resources'),
      progress('human-resources', '已约谈施工总包单位，责令一周内结清'),
      { action: 'urge', as: 'supervisor', body: { note: '春节前须全部兑付到位，请每日报送进展' } },
    ],
    stage: 'rectifying',
    shows: '钱督办已督办县人社局',
  },
  {
    key: 'inspector-bribes',
    request: request(
      'report',
      '朱小琴',
      '13618293350',
      '举报执法人员吃拿卡要',
      '举报某市场监管所执法人员检查时暗示商户请客送礼，否则就罚款。',
      '石佛镇',
      { confidential: true, about: 'market-regulation' },
    ),
    registered: { workingDaysAgo: 2, at: '17:05' },
    steps: [assign('county-office'), accept('county-office')],
    stage: 'rectifying',
    shows: '保密举报，涉及县市场监管局：其承办人看不到举报人',
  },
  {
    key: 'gas-smell',
    request: request('help', '郭永福', '13730492618', '楼道燃气异味', '中天镇某小区2单元楼道有明显燃气味，担心管道泄漏。', '中天镇', {
      urgent: true,
    }),
    registered: { hoursAgo: 2 },
    steps: [assign('emergency'), accept('emergency')],
    stage: 'rectifying',
    shows: '紧急件，24 小时内办结',
  },
  {
    key: 'street-lights',
    request: request('complaint', '何淑珍', '13547731096', '小区路灯不亮', '龙门镇新街小区路灯坏了半个月，晚上出行不安全。', '龙门镇新街'),
    registered: { workingDaysAgo: 6, at: '19:20' },
    steps: [
      ...handled('housing-construction', '已联系供电所排查线路', '更换损坏路灯8盏，线路已修复，路灯恢复照明。'),
      callback('satisfied', true),
    ],
    stage: 'closed',
    shows: '已办结，回访满意',
  },
  {
    key: 'village-road',
    request: request('help', '林俊', '15883420917', '乡村公路坑洼', '良安镇到高寺镇的村道有多处大坑，雨天摩托车经常摔倒。', '良安镇'),
    registered: { workingDaysAgo: 9, at: '10:50' },
    steps: [...handled('transport', '已安排养护队测量', '已对12处坑槽进行修补，全段恢复通行。'), callback('basically_satisfied', true)],
    stage: 'closed',
    shows: '已办结，回访基本满意',
  },
  {
    key: 'subsistence-allowance',
    request: request('help', '罗春梅', '13990276643', '低保申请进度', '三个月前在东山镇提交的低保申请至今没有结果。', '东山镇'),
    registered: { workingDaysAgo: 7, at: '15:00' },
    steps: [
      ...handled('civil-affairs', '已调取申请材料', '经核查，申请已进入入户调查环节，预计本月内完成审核。'),
      callback('dissatisfied', false),
    ],
    stage: 'rectifying',
    shows: '回访不满意，已重办至县民政局',
  },
  {
    key: 'housing-fund',
    request: request(
      'consultation',
      '梁伟',
      '18728461095',
      '住房公积金提取条件',
      '想咨询租房能否提取住房公积金，需要什么材料。',
      '天池街道',
      { answer: '租住商品住房可凭租赁合同和身份证在公积金管理部申请提取，每年可提取一次，额度按当地标准执行。' },
    ),
    registered: { workingDaysAgo: 1, at: '11:45' },
    steps: [],
    stage: 'closed',
    shows: '话务直办（直接答复）',
  },
  {
    key: 'silent-call',
    request: request('consultation', '未知来电', '17780432216', '无声电话', '来电接通后无人说话，约30秒后挂断。', '未知'),
    registered: { hoursAgo: 4 },
    steps: [{ action: 'void', as: 'operator', body: { reason: 'silent' } }],
    stage: 'closed',
    shows: '无效工单（无声电话）',
  },
];

/** Last month's closed cases (first day of last month, Shanghai): day of the month registered, days to close. */
const LAST_MONTH: readonly (Omit<HistoricalCase, 'ledgerNo' | 'registeredAt' | 'closedAt'> & { day: number; took: number; at: string })[] =
  [
    {
      day: 3,
      took: 6,
      at: '09:20',
      channel: 'hotline',
      type: 'suggestion',
      citizen: { name: '宋秀兰', phone: '13551467720' },
      title: '村道会车困难建议加宽',
      content: '蟠龙镇某村村道只有3米宽，两车会车要退很远，建议增设错车道。',
      location: '蟠龙镇',
      unit: 'transport',
      result: '已在该村道增设错车道4处，并纳入明年拓宽计划。',
      onTime: true,
      satisfaction: 'satisfied',
    },
    {
      day: 5,
      took: 4,
      at: '14:35',
      channel: 'hotline',
      type: 'complaint',
      citizen: { name: '谢志勇', phone: '13980651238' },
      title: '小区二次供水水质发黄',
      content: '天池街道某小区二次供水水箱长期未清洗，自来水发黄有异味。',
      location: '天池街道',
      unit: 'housing-construction',
      result: '督促物业清洗消毒水箱，水质检测合格，已公示检测报告。',
      onTime: true,
      satisfaction: 'basically_satisfied',
    },
    {
      day: 8,
      took: 3,
      at: '10:10',
      channel: 'online',
      type: 'complaint',
      citizen: { name: '唐慧', phone: '15183920476' },
      title: '农贸市场周边占道经营',
      content: '天池农贸市场门口早市摊贩占满道路，车辆无法通行。',
      location: '天池街道农贸市场',
      unit: 'tianchi-subdistrict',
      result: '已划定早市临时疏导区，安排城管每日早间值守。',
      onTime: true,
      satisfaction: 'satisfied',
    },
    {
      day: 10,
      took: 7,
      at: '16:05',
      channel: 'hotline',
      type: 'complaint',
      citizen: { name: '韩德胜', phone: '13708295561' },
      title: '网购退款纠纷',
      content: '在本地网店购买的电动车电池质量有问题，商家拒绝退款。',
      location: '南塔街道',
      unit: 'market-regulation',
      result: '经调解，商家同意更换电池并赔偿运费。',
      onTime: true,
      satisfaction: 'unreachable',
    },
    {
      day: 12,
      took: 12,
      at: '08:40',
      channel: 'mailbox',
      type: 'complaint',
      citizen: { name: '冯丽娟', phone: '18980427739' },
      title: '乡镇卫生院夜间无人值守',
      content: '大佛镇卫生院夜里急诊敲门半小时没人应，孩子高烧只能连夜进城。',
      location: '大佛镇卫生院',
      unit: 'health',
      result: '已约谈卫生院负责人，落实夜间双人值班并公布值班电话。',
      onTime: false,
      satisfaction: 'satisfied',
    },
    {
      day: 15,
      took: 2,
      at: '11:15',
      channel: 'hotline',
      type: 'consultation',
      citizen: { name: '邓建国', phone: '13568802314' },
      title: '社保卡补办流程咨询',
      content: '社保卡丢失，想了解补办需要哪些材料、多久能拿到。',
      location: '天池街道',
      unit: 'human-resources',
      result: '已告知持身份证到县政务服务中心社保窗口补办，即时制卡。',
      onTime: true,
      satisfaction: 'satisfied',
    },
    {
      day: 17,
      took: 5,
      at: '15:50',
      channel: 'hotline',
      type: 'report',
      citizen: { name: '曹雪梅', phone: '15908316642' },
      title: '河道漂浮垃圾',
      content: '童家镇段河道上漂满塑料瓶和生活垃圾，疑似有人往河里倒垃圾。',
      location: '童家镇',
      unit: 'ecology-environment',
      result: '已组织清理河道垃圾约3吨，在河段两岸设置监控和警示牌。',
      onTime: true,
      satisfaction: 'satisfied',
    },
    {
      day: 19,
      took: 4,
      at: '21:30',
      channel: 'hotline',
      type: 'complaint',
      citizen: { name: '彭勇', phone: '13881947705' },
      title: '夜市噪音扰民',
      content: '南塔街道夜市烧烤摊放音乐到凌晨两点，影响休息。',
      location: '南塔街道夜市',
      unit: 'nanta-subdistrict',
      result: '已与夜市商户签订承诺书，晚上十一点后停止外放音乐。',
      onTime: true,
      satisfaction: 'basically_satisfied',
    },
    {
      day: 22,
      took: 3,
      at: '09:05',
      channel: 'window',
      type: 'help',
      citizen: { name: '曾玉珍', phone: '13684410952' },
      title: '客运站候车厅空调损坏',
      content: '县客运站候车厅空调坏了一周，老人小孩候车很难受。',
      location: '县客运站',
      unit: 'transport',
      result: '已督促客运站更换空调压缩机，候车厅空调恢复运行。',
      onTime: true,
      satisfaction: 'satisfied',
    },
    {
      day: 24,
      took: 2,
      at: '13:40',
      channel: 'hotline',
      type: 'suggestion',
      citizen: { name: '肖红', phone: '18283725581' },
      title: '校车接送时间调整',
      content: '建议高寺镇中心小学校车下午接送时间推迟半小时，与放学时间衔接。',
      location: '高寺镇中心小学',
      unit: 'education-sports',
      result: '已协调校车公司自下周起下午发车时间调整为17:10。',
      onTime: true,
      satisfaction: 'satisfied',
    },
  ];

/**
 * Last month's closed cases as the county's old ledger records them, numbered in its own scheme (`LZRX-202611-0001`),
 * every time in last month (Asia/Shanghai) before `now`.
 */
export function lastMonthLedger(now: Date): HistoricalCase[] {
  const shanghai = new Date(now.getTime() + 8 * 3_600_000);
  const [y, m] = [shanghai.getUTCFullYear(), shanghai.getUTCMonth() - 1];
  const month = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7).replace('-', '');
  return LAST_MONTH.map(({ day, took, at, ...c }, i) => {
    const [h, mi] = at.split(':').map(Number);
    const registeredAt = new Date(Date.UTC(y, m, day, h - 8, mi));
    const closedAt = new Date(Date.UTC(y, m, day + took, 10 - 8, 30 + i));
    return {
      ...c,
      ledgerNo: `LZRX-${month}-${String(i + 1).padStart(4, '0')}`,
      registeredAt: registeredAt.toISOString(),
      closedAt: closedAt.toISOString(),
    };
  });
}
