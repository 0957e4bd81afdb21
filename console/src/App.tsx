import { Button, Layout, Menu, Modal, Space, Typography } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import type { Role } from '../../domain/roles';
import { ROLE_LABELS } from '../../domain/labels';
import { onSessionExpired } from './api';
import { LoginPage } from './pages/LoginPage';
import { clearSession, loadSession, type Session } from './session';

const InboxPage = lazy(() => import('./pages/InboxPage'));
const IntakePage = lazy(() => import('./pages/IntakePage'));
const CasePage = lazy(() => import('./pages/CasePage'));
const LookupPage = lazy(() => import('./pages/LookupPage'));
const SupervisionPage = lazy(() => import('./pages/SupervisionPage'));
const SpotChecksPage = lazy(() => import('./pages/SpotChecksPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const KnowledgePage = lazy(() => import('./pages/KnowledgePage'));

/** The menu each role sees; every screen reads and acts through the API alone. */
const MENU: { key: string; label: string; roles: Role[] }[] = [
  { key: '/inbox', label: '我的待办', roles: ['operator', 'dispatcher', 'handler', 'reviewer', 'supervisor', 'admin'] },
  { key: '/intake', label: '登记诉求', roles: ['operator'] },
  { key: '/supervision', label: '督办工作台', roles: ['supervisor', 'admin'] },
  { key: '/spot-checks', label: '定期抽查', roles: ['supervisor', 'admin'] },
  { key: '/audit', label: '审计日志', roles: ['supervisor', 'admin'] },
  { key: '/knowledge', label: '知识库', roles: ['supervisor', 'admin'] },
  { key: '/lookup', label: '工单查询', roles: ['operator', 'dispatcher', 'handler', 'reviewer', 'supervisor', 'admin'] },
];

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [expired, setExpired] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => onSessionExpired(() => setExpired(true)), []);
  // A session also ends by the clock: ask again then, keeping whatever was typed (drafts in sessionStorage).
  useEffect(() => {
    if (!session) return undefined;
    const timer = setTimeout(() => setExpired(true), Math.max(0, Date.parse(session.expiresAt) - Date.now()));
    return () => clearTimeout(timer);
  }, [session]);

  if (!session) return <LoginPage onSignedIn={setSession} />;

  const roles = session.person.roles;
  const items = MENU.filter((m) => m.roles.some((r) => roles.includes(r))).map((m) => ({ key: m.key, label: m.label }));
  const signOut = () => {
    clearSession();
    setSession(null);
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24 }}>
        <Typography.Title level={4} style={{ color: '#fff', margin: 0, whiteSpace: 'nowrap' }}>
          回应 · 诉求办理
        </Typography.Title>
        <Menu
          theme="dark"
          mode="horizontal"
          selectedKeys={[`/${location.pathname.split('/')[1]}`]}
          items={items}
          onClick={(e) => void navigate(e.key)}
          style={{ flex: 1, minWidth: 0 }}
        />
        <Space style={{ color: '#fff' }}>
          <span aria-label="当前用户">
            {session.person.name}（{roles.map((r) => ROLE_LABELS[r]).join('、')}
            {session.person.unitName ? ` · ${session.person.unitName}` : ''}）
          </span>
          <Button onClick={signOut}>退出</Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>
        <Suspense fallback={<div>加载中…</div>}>
          <Routes>
            <Route path="/inbox" element={<InboxPage session={session} />} />
            <Route path="/intake" element={<IntakePage />} />
            <Route path="/lookup" element={<LookupPage session={session} />} />
            <Route path="/supervision" element={<SupervisionPage />} />
            <Route path="/spot-checks" element={<SpotChecksPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/knowledge" element={<KnowledgePage />} />
            <Route path="/cases/:id" element={<CasePage session={session} />} />
            <Route path="*" element={<Navigate to="/inbox" replace />} />
          </Routes>
        </Suspense>
      </Layout.Content>
      <Modal open={expired} title="登录已过期" footer={null} closable={false} mask={{ closable: false }}>
        <p>为保护信息安全，登录已过期。请重新登录，未提交的内容已保留。</p>
        <LoginPage
          embedded
          onSignedIn={(s) => {
            setSession(s);
            setExpired(false);
          }}
        />
      </Modal>
    </Layout>
  );
}
