/**
 * The route a request was for, as a pattern (`/cases/:id/assign`), never its URL: the access log and the metrics name
 * what was asked without the ids, ledger numbers or query strings a URL carries (a query can hold a phone number),
 * and the metrics' labels stay few. The patterns are the authorization matrix's (domain/authorization.ts), which names
 * every endpoint the API serves; a request refused before its route ran (401, 429) still gets its pattern.
 */
import { ENDPOINTS } from '../domain/authorization';

/** The label of a path that is none of the API's (a 404, a scanner's probe). */
export const UNMATCHED_ROUTE = '(unmatched)';

/** HTTP methods kept as they are; any other is `OTHER`, so that a made-up method cannot add a label value. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

interface Pattern {
  route: string;
  regex: RegExp;
}

/** Express path syntax to a regular expression: `:name` one segment, `*name` the rest; case-insensitive and an optional trailing slash, as Express routes. */
function compile(route: string): RegExp {
  const source = route
    .split(/(:[A-Za-z0-9_]+|\*[A-Za-z0-9_]+)/)
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.startsWith('*') ? '.+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`, 'i');
}

/** By first segment; within one, fixed paths before those with parameters (`/knowledge/import` before `/knowledge/:id`). */
const BY_FIRST_SEGMENT: ReadonlyMap<string, readonly Pattern[]> = (() => {
  const routes = [...new Set(Object.keys(ENDPOINTS).map((key) => key.slice(key.indexOf(' ') + 1)))];
  const dynamic = (route: string) => (route.match(/[:*]/g) ?? []).length;
  const map = new Map<string, Pattern[]>();
  for (const route of routes.sort((a, b) => dynamic(a) - dynamic(b))) {
    const first = firstSegment(route);
    map.set(first, [...(map.get(first) ?? []), { route, regex: compile(route) }]);
  }
  return map;
})();

function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  // `/knowledge.xlsx` and `/knowledge/:id` share a bucket: a dot ends the segment's name too.
  return (end < 0 ? path : path.slice(0, end)).split('.')[0]!.toLowerCase();
}

/** The pattern of `url` (a request's original URL, query string and all), or UNMATCHED_ROUTE. */
export function routePattern(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  for (const p of BY_FIRST_SEGMENT.get(firstSegment(path)) ?? []) if (p.regex.test(path)) return p.route;
  return UNMATCHED_ROUTE;
}

/** The method as a label: one of the standard ones, or `OTHER`. */
export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}
