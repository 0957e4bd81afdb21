/**
 * How the text of an environment variable becomes a value. The same rules for every variable:
 * - unset, empty or only spaces counts as unset, and the default applies; otherwise surrounding spaces are
 *   dropped (not from secrets: they are taken exactly as given, as any change would make them another secret);
 * - whole numbers are digits only ('1.5', '-1', '1e3' and '0x10' are refused) within the variable's range;
 * - lists are comma-separated (file lists also split on the platform's path delimiter); blanks are dropped;
 * - URLs are absolute http(s) URLs.
 * An invalid value becomes an issue saying what was expected (and the value, unless it is a secret); zod
 * collects the issues of every variable, so that all of them are reported at once.
 */
import { delimiter } from 'node:path';
import { z } from 'zod';

const raw = z.string().optional();

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

type Ctx = z.core.$RefinementCtx<string | undefined>;

function refuse(ctx: Ctx, input: string, expected: string, echo = true): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', input, message: echo ? `expected ${expected}, got '${input}'` : `expected ${expected}` });
  return z.NEVER;
}

/** Free text; undefined when unset. */
export const text = () => raw.transform(present);

/** Free text with a default. */
export const textOr = (fallback: string) => raw.transform((v) => present(v) ?? fallback);

/** A secret, exactly as given; undefined when unset or empty. Never echoed in an error. */
export const secret = (opts: { minLength?: number } = {}) =>
  raw.transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    if (opts.minLength !== undefined && v.length < opts.minLength) return refuse(ctx, v, `at least ${opts.minLength} characters`, false);
    return v;
  });

/** A whole number in [min, max]; `meaning` says what it counts, for the error. The fallback may be undefined. */
export const wholeNumber = <F extends number | undefined>(fallback: F, opts: { min: number; max?: number; meaning: string }) =>
  raw.transform((v, ctx): number | F => {
    const t = present(v);
    if (t === undefined) return fallback;
    const n = /^\d+$/.test(t) ? Number(t) : NaN;
    const range = opts.max === undefined ? `≥ ${opts.min}` : `from ${opts.min} to ${opts.max}`;
    if (!Number.isSafeInteger(n) || n < opts.min || (opts.max !== undefined && n > opts.max))
      return refuse(ctx, t, `a whole number ${range} (${opts.meaning})`);
    return n;
  });

export const port = (fallback: number) => wholeNumber(fallback, { min: 1, max: 65535, meaning: 'a TCP port' });

/** A TCP port, or `off` (or 0) for a listener that is not wanted: undefined then. */
export const portOrOff = (fallback: number) =>
  raw.transform((v, ctx): number | undefined => {
    const t = present(v);
    if (t === undefined) return fallback;
    if (t === 'off' || t === '0') return undefined;
    const n = /^\d+$/.test(t) ? Number(t) : NaN;
    if (!(n >= 1 && n <= 65535)) return refuse(ctx, t, 'a TCP port from 1 to 65535, or off (or 0) for none');
    return n;
  });

/** One of a few words. */
export const oneOf = <const W extends string>(words: readonly [W, ...W[]], fallback: W) =>
  raw.transform((v, ctx): W => {
    const t = present(v);
    if (t === undefined) return fallback;
    if ((words as readonly string[]).includes(t)) return t as W;
    return refuse(ctx, t, `one of ${words.join(', ')}`);
  });

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** An absolute http(s) URL; undefined when unset. */
export const url = () =>
  raw.transform((v, ctx) => {
    const t = present(v);
    if (t === undefined || isHttpUrl(t)) return t;
    return refuse(ctx, t, 'an absolute http(s) URL');
  });

/** Browser origins (scheme, host and port: `http://localhost:8233`), comma-separated; a trailing slash is dropped. */
export const origins = () =>
  raw.transform((v, ctx) => {
    const list = (v ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean);
    const bad = list.filter((o) => !isHttpUrl(o) || new URL(o).origin !== o);
    if (bad.length > 0) return refuse(ctx, bad.join(','), 'comma-separated origins like http://localhost:8233 (no path)');
    return list.length > 0 ? list : undefined;
  });

/** Splits a list of paths on commas or the platform's path delimiter (':' on Linux, ';' on Windows). */
export function splitPathList(value: string | undefined): string[] {
  return (value ?? '')
    .split(new RegExp(`[,${delimiter}]`))
    .map((path) => path.trim())
    .filter((path) => path.length > 0);
}

export const pathList = () => raw.transform(splitPathList);

/**
 * Express's 'trust proxy': `true`/`false`, a number of proxy hops, or addresses/subnets of the proxies (kept as
 * text, comma-separated; Express checks them when the app is made). Undefined when unset: no proxy in front.
 */
export const trustProxy = () =>
  raw.transform((v): boolean | number | string | undefined => {
    const t = present(v);
    if (t === undefined) return undefined;
    if (t === 'true' || t === 'false') return t === 'true';
    if (/^\d+$/.test(t)) return Number(t);
    return t;
  });

/** A PostgreSQL connection URL (postgres:// or postgresql://); never echoed, as it may hold a password. */
export const postgresUrl = () =>
  raw.transform((v, ctx) => {
    const t = present(v);
    if (t === undefined) return undefined;
    try {
      if (['postgres:', 'postgresql:'].includes(new URL(t).protocol)) return t;
    } catch {
      // refused below
    }
    return refuse(ctx, t, 'a URL like postgres://user:password@host:5432/database', false);
  });
