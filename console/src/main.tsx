import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { HashRouter } from 'react-router';
import { App } from './App';
import { restoreRouteAfterSso } from './oidc';

// The nonce the API put in the page (api/console.ts): the only inline styles the page's CSP accepts.
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
if (nonce) {
  // Ant Design takes the nonce (ConfigProvider below), but some of its helpers (scrollbar measurement, scroll lock)
  // create <style> elements of their own: every <style> this code creates carries the nonce. Markup injected
  // by anyone else (innerHTML) does not pass here, so the policy still refuses it.
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the wrapper keeps every overload, deprecated tag names included
  const create = document.createElement.bind(document);
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- as above
  document.createElement = ((tagName: string, options?: ElementCreationOptions) => {
    const element = create(tagName, options);
    if (tagName.toLowerCase() === 'style') element.setAttribute('nonce', nonce);
    return element;
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- as above
  }) as typeof document.createElement;
}

// Back from the single sign-on: at the route the sign-in started from, before the router reads it.
restoreRouteAfterSso();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* No space inserted in a two-character button name (登 记): people and screen readers hear 登记. Links in a darker
        blue than the default, for a contrast of at least 4.5:1 on white (WCAG AA). */}
    <ConfigProvider
      locale={zhCN}
      csp={nonce ? { nonce } : undefined}
      button={{ autoInsertSpace: false }}
      // Secondary text (field hints, descriptions) darker than the default grey: 4.5:1 contrast on light panels too.
      theme={{ token: { colorPrimary: '#b71c1c', colorLink: '#0958d9', colorTextDescription: '#595959' } }}
    >
      <AntApp>
        <HashRouter>
          <App />
        </HashRouter>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
