import { Alert, Button, Card, Flex, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { DemoPerson } from '../../../domain/demo-people';
import { ROLE_LABELS, REVIEW_LEVEL_LABELS } from '../../../domain/labels';
import { api } from '../api';
import { chineseMessage } from '../errors';
import { saveSession, type Session } from '../session';

function describe(p: DemoPerson): string {
  const role = p.roles.map((r) => ROLE_LABELS[r]).join('、');
  const levels = p.levels.length ? ` · ${p.levels.map((l) => REVIEW_LEVEL_LABELS[l]).join('、')}` : '';
  return `${p.name}（${role}${levels}）`;
}

/**
 * The development login: the directory's demo people, one click each. The county's single sign-on replaces it in
 * production (the API then answers 404 here and this page says so).
 */
export function LoginPage({ onSignedIn, embedded = false }: { onSignedIn: (s: Session) => void; embedded?: boolean }) {
  const [people, setPeople] = useState<DemoPerson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');

  useEffect(() => {
    api<{ items: DemoPerson[] }>('GET', '/auth/dev/people')
      .then((r) => setPeople(r.items))
      .catch((err: unknown) => setError(chineseMessage(err)));
  }, []);

  const signIn = async (p: DemoPerson) => {
    try {
      const session = await api<Session>('POST', '/auth/dev/login', { id: p.id });
      saveSession(session);
      onSignedIn(session);
    } catch (err) {
      setError(chineseMessage(err));
    }
  };

  const staff = people?.filter((p) => !p.roles.includes('handler')) ?? [];
  const handlers = people?.filter((p) => p.roles.includes('handler') && (!filter || (p.unitName ?? '').includes(filter))) ?? [];

  const buttons = (list: DemoPerson[]) => (
    <Flex wrap gap={8}>
      {list.map((p) => (
        <Button key={p.id} onClick={() => void signIn(p)}>
          {`登录：${describe(p)}`}
        </Button>
      ))}
    </Flex>
  );

  const body = (
    <Flex vertical gap={16}>
      {error && <Alert type="error" showIcon title={error} />}
      <Typography.Paragraph>开发环境：选择一位演示人员，一键登录。</Typography.Paragraph>
      {buttons(staff)}
      <Input.Search
        aria-label="按单位名称查找承办人"
        placeholder="按单位名称查找承办人"
        allowClear
        onChange={(e) => setFilter(e.target.value)}
      />
      {buttons(handlers)}
    </Flex>
  );
  if (embedded) return body;
  return (
    <Flex justify="center" style={{ padding: 48 }}>
      <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>回应 · 12345 诉求办理 — 登录</h1>} style={{ maxWidth: 960, width: '100%' }}>
        {body}
      </Card>
    </Flex>
  );
}
