import { Alert, Card, Descriptions, Flex, Spin, Steps, Tag, Timeline, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { CHANNEL_LABELS, REQUEST_TYPE_LABELS, REVIEW_LEVEL_LABELS, SATISFACTION_LABELS, STAGE_LABELS } from '../../../domain/labels';
import type { CaseView } from '../../../domain/view';
import { api } from '../api';
import { Attachments } from '../components/Attachments';
import { CaseActions } from '../components/CaseActions';
import { chineseMessage } from '../errors';
import { formatTime, workingDaysText } from '../format';
import { timelineLabel } from '../labels';
import type { Session } from '../session';
import { unitName, useUnits, withUnitNames } from '../units';

/** The loop as people name it, one step each (a review level is a step of its own). */
const STEPS = ['登记', '交办', '签收', '办理', '初审', '审核', '审发', '回访', '办结', '抽查'] as const;

function currentStep(c: CaseView): number {
  switch (c.stage) {
    case 'registered':
      return 1;
    case 'assigned':
      return 2;
    case 'rectifying':
      return 3;
    case 'reviewing':
      return 3 + (c.reviewLevel ?? 1);
    case 'replied':
    case 'deciding':
      return 7;
    case 'closed':
      return c.spotCheck.round ? (c.spotCheck.result ? 10 : 9) : 8;
  }
}

/** The case page: where it stands, its deadline, the citizen as the API shows them to this person, the timeline. */
export default function CasePage({ session }: { session: Session }) {
  const { id = '' } = useParams();
  const units = useUnits();
  const [view, setView] = useState<CaseView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    () =>
      api<CaseView>('GET', `/cases/${encodeURIComponent(id)}`)
        .then((v) => {
          setView(v);
          setError(null);
        })
        .catch((err: unknown) => setError(chineseMessage(err))),
    [id],
  );
  useEffect(() => {
    void load();
  }, [load]);

  if (error && !view) return <Alert type="error" showIcon title={error} role="alert" />;
  if (!view) return <Spin />;

  const step = currentStep(view);
  return (
    <Flex vertical gap={16}>
      <Card
        title={
          <h1 style={{ margin: 0, fontSize: 18 }}>
            {view.ledgerNo} {view.title}
          </h1>
        }
        extra={
          <Flex gap={4}>
            <Tag>{STAGE_LABELS[view.stage]}</Tag>
            {view.urgent && <Tag color="orange">紧急</Tag>}
            {view.overdue && <Tag color="red">超期</Tag>}
            {view.redFlag && <Tag color="volcano">红牌</Tag>}
          </Flex>
        }
      >
        <Steps
          size="small"
          current={Math.min(step, STEPS.length - 1)}
          status={step >= STEPS.length ? 'finish' : 'process'}
          items={STEPS.map((title) => ({ title }))}
          aria-label="办理进度"
        />
      </Card>
      {error && <Alert type="error" showIcon title={error} role="alert" />}
      <CaseActions view={view} session={session} units={units} onChanged={setView} />
      <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>工单信息</h2>}>
        <Descriptions column={2} bordered size="small">
          <Descriptions.Item label="渠道">{CHANNEL_LABELS[view.channel]}</Descriptions.Item>
          <Descriptions.Item label="类型">{REQUEST_TYPE_LABELS[view.type]}</Descriptions.Item>
          <Descriptions.Item label="诉求人">
            {view.citizenVisibility === 'hidden' ? '（保密，不予显示）' : view.citizen.name}
          </Descriptions.Item>
          <Descriptions.Item label="联系电话">
            {view.citizenVisibility === 'hidden' ? '（保密，不予显示）' : view.citizen.phone}
          </Descriptions.Item>
          <Descriptions.Item label="承办单位">{unitName(units, view.unit)}</Descriptions.Item>
          {view.supporting && view.supporting.length > 0 && (
            <Descriptions.Item label="协办单位及意见" span={2}>
              {view.supporting.map((s) => (
                <div key={s.unit}>
                  {unitName(units, s.unit)}：{s.contribution ? s.contribution.note : '（尚未提交协办意见）'}
                </div>
              ))}
            </Descriptions.Item>
          )}
          <Descriptions.Item label="登记时间">{formatTime(view.registeredAt)}</Descriptions.Item>
          <Descriptions.Item label="当前时限">
            {formatTime(view.dueAt)} {workingDaysText(view.workingDaysLeft)}
            {view.dueAtProvisional && <Tag>暂定（节假日安排未公布）</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label="地点">{view.location ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="诉求内容" span={2}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{view.content}</Typography.Paragraph>
          </Descriptions.Item>
          {view.result && (
            <Descriptions.Item label="办理结果" span={2}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{view.result}</Typography.Paragraph>
            </Descriptions.Item>
          )}
          {view.reviews.length > 0 && (
            <Descriptions.Item label={`第 ${view.reviewRound} 轮审核`} span={2}>
              {view.reviews.map((r) => (
                <div key={`${r.level}-${r.at}`}>
                  {REVIEW_LEVEL_LABELS[r.level]}：{r.decision === 'approve' ? '通过' : '退回'}（{r.by.name}，{formatTime(r.at)}）
                  {r.comment ? ` — ${r.comment}` : ''}
                </div>
              ))}
            </Descriptions.Item>
          )}
          {view.satisfaction && <Descriptions.Item label="回访结果">{SATISFACTION_LABELS[view.satisfaction]}</Descriptions.Item>}
        </Descriptions>
      </Card>
      <Attachments view={view} session={session} />
      <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>办理过程</h2>}>
        <Timeline
          aria-label="办理过程"
          items={view.timeline.map((e) => ({
            content: (
              <div>
                <strong>{timelineLabel(e.action)}</strong> · {e.by.name} · {formatTime(e.at)}
                {e.note ? <div style={{ whiteSpace: 'pre-wrap' }}>{withUnitNames(units, e.note)}</div> : null}
              </div>
            ),
          }))}
        />
      </Card>
    </Flex>
  );
}
