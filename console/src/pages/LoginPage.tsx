import { Alert, Button, Card, Flex, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import type { DemoPerson } from '../../../domain/demo-people';
import { ROLE_LABELS, REVIEW_LEVEL_LABELS } from '../../../domain/labels';
import type { SignInOptions } from '../../../domain/sign-in';
import { api, ApiFailure } from '../api';
import { chineseMessage } from '../errors';
import { finishSsoSignIn, isSsoCallback, startSsoSignIn } from '../oidc';
import { SsoError } from '../pkce';
import { saveSession, type Session } from '../session';

function describe(p: DemoPerson): string {
  const role = p.roles.map((r) => ROLE_LABELS[r]).join('、');
  const levels = p.levels.length ? ` · ${p.levels.map((l) => REVIEW_LEVEL_LABELS[l]).join('、')}` : '';
  return `${p.name}（${role}${levels}）`;
}

/** A sign-in's refusal in Chinese: the single sign-on's own words, or the API's refusal of the token it gave. */
function ssoMessage(err: unknown): string {
  if (err instanceof SsoError) return err.message;
  if (err instanceof ApiFailure && err.status === 401) return '统一身份认证的登录凭证未被本系统接受，请联系管理员';
  return chineseMessage(err);
}

/**
 * Signing in: the county's single sign-on (OpenID Connect, console/src/oidc.ts) when configured, and the development
 * login — the directory's demo people, one click each — when HUIYING_DEV_LOGIN is on (`GET /auth/config` says which).
 * The page's own instance also finishes a sign-in the single sign-on sent the page back to (main.tsx has put back
 * the route it started from); the dialog over an expired page (`embedded`) only starts one.
 */
export function LoginPage({ onSignedIn, embedded = false }: { onSignedIn: (s: Session) => void; embedded?: boolean }) {
  const [options, setOptions] = useState<SignInOptions | null>(null);
  const [people, setPeople] = useState<DemoPerson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [returning, setReturning] = useState(() => !embedded && isSsoCallback());
  const location = useLocation();

  useEffect(() => {
    api<SignInOptions>('GET', '/auth/config')
      .then(async (o) => {
        setOptions(o);
        if (o.devLogin) setPeople((await api<{ items: DemoPerson[] }>('GET', '/auth/dev/people')).items);
      })
      .catch((err: unknown) => setError(chineseMessage(err)));
  }, []);

  useEffect(() => {
    if (!returning) return;
    finishSsoSignIn()
      .then(async ({ token, expiresAt }) => {
        const person = await api<Session['person']>('GET', '/me', undefined, { authorization: `Bearer ${token}` });
        const session = { token, expiresAt, person };
        saveSession(session);
        onSignedIn(session);
      })
      .catch((err: unknown) => setError(ssoMessage(err)))
      .finally(() => setReturning(false));
    // Once, on the load the provider sent back (`returning` starts true only then).
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

  const signInWithSso = () => {
    if (!options?.sso) return;
    startSsoSignIn(options.sso, location.pathname).catch((err: unknown) => setError(ssoMessage(err)));
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
      {returning && <Typography.Paragraph>正在完成统一身份认证登录…</Typography.Paragraph>}
      {options?.sso && (
        <Flex vertical gap={8} align="start">
          <Button type="primary" size="large" disabled={returning} onClick={signInWithSso}>
            统一身份认证登录
          </Button>
          <Typography.Text type="secondary">使用县统一身份认证账号登录。</Typography.Text>
        </Flex>
      )}
      {options && !options.sso && !options.devLogin && <Typography.Paragraph>尚未配置登录方式，请联系系统管理员。</Typography.Paragraph>}
      {options?.devLogin && (
        <>
          <Typography.Paragraph>开发环境：选择一位演示人员，一键登录。</Typography.Paragraph>
          {buttons(staff)}
          <Input.Search
            aria-label="按单位名称查找承办人"
            placeholder="按单位名称查找承办人"
            allowClear
            onChange={(e) => setFilter(e.target.value)}
          />
          {buttons(handlers)}
        </>
      )}
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
