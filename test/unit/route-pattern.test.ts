/** api/route-pattern.ts: the access log's and the metrics' route is a pattern of the authorization matrix, never a URL. */
import { methodLabel, routePattern, UNMATCHED_ROUTE } from '../../api/route-pattern';
import { ENDPOINTS } from '../../domain/authorization';

test('every endpoint of the matrix, with values in place of its parameters, is named by its own pattern', () => {
  const routes = [...new Set(Object.keys(ENDPOINTS).map((key) => key.split(' ')[1]!))];
  for (const route of routes) {
    const url = route.replace(/:[A-Za-z0-9_]+/g, 'v4lue-13800001234').replace(/\*[A-Za-z0-9_]+/g, 'index-abc123.js');
    expect({ url, route: routePattern(url) }).toEqual({ url, route });
  }
});

test('query strings, ids and trailing slashes never reach the label; other paths are unmatched', () => {
  expect(routePattern('/cases?phone=13800001234&q=%E5%BC%A0')).toBe('/cases');
  expect(routePattern('/cases/0123456789abcdef/assign?x=1')).toBe('/cases/:id/assign');
  expect(routePattern('/public/cases/LZ-2026-000123?last4=1234')).toBe('/public/cases/:ledgerNo');
  expect(routePattern('/open311/v2/requests/LZ-2026-000123.json')).toBe('/open311/v2/requests/:id.json');
  expect(routePattern('/open311/v2/requests.json')).toBe('/open311/v2/requests.json');
  expect(routePattern('/knowledge/import')).toBe('/knowledge/import');
  expect(routePattern('/knowledge.xlsx')).toBe('/knowledge.xlsx');
  expect(routePattern('/knowledge/k1')).toBe('/knowledge/:id');
  expect(routePattern('/units/')).toBe('/units');
  expect(routePattern('/')).toBe('/');
  for (const probe of ['/wp-login.php', '/cases/a/b/c/d', '/.env', '/13800001234', '']) expect(routePattern(probe)).toBe(UNMATCHED_ROUTE);
});

test('methods: the standard ones as they are, anything else OTHER', () => {
  expect(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'].map(methodLabel)).toEqual([
    'GET',
    'POST',
    'PUT',
    'DELETE',
    'OPTIONS',
    'HEAD',
    'PATCH',
  ]);
  expect(methodLabel('PROPFIND')).toBe('OTHER');
});
