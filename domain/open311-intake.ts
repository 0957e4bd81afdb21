/**
 * A service request posted by a partner platform (GeoReport v2 `POST requests.json`) as the request an operator would
 * register: channel `online` (网络问政), the service code as the request type. Pure; the route is
 * api/routes/open311.ts, which registers the result through the same intake as POST /cases.
 */
import { z } from 'zod';
import { NewCaseSchema, RequestTypeSchema, type NewCase } from './case';

/** Who a partner's requests are registered by: an operator that is the platform, never a person. */
export const OPEN311_ACTOR_PREFIX = 'open311:';

/** Form fields arrive as strings, JSON may send numbers: both are read as text. */
const field = (max: number) => z.union([z.string(), z.number()]).transform(String).pipe(z.string().trim().max(max));
const optionalField = (max: number) =>
  field(max)
    .optional()
    .transform((v) => (v ? v : undefined));

/**
 * The fields of GeoReport's POST that Huiying reads; the others (`attribute[…]`, `device_id`, `media_url`…) are
 * ignored. `phone` is required here (the standard leaves it optional): a case needs someone to answer and call back.
 */
export const Open311PostSchema = z.object({
  service_code: RequestTypeSchema,
  description: field(4000).pipe(z.string().min(1, 'required')),
  phone: field(30).pipe(NewCaseSchema.shape.citizen.shape.phone),
  first_name: optionalField(25),
  last_name: optionalField(25),
  address_string: optionalField(500),
  lat: optionalField(20),
  long: optionalField(20),
  account_id: optionalField(100),
});
export type Open311Post = z.infer<typeof Open311PostSchema>;

/** When a request gives no name: the case still needs one to show. */
export const NAMELESS = '网络问政群众';

/** 张 + 三 → 张三 (Chinese names are family name first, unspaced); John + Smith → John Smith. */
export function citizenName(first: string | undefined, last: string | undefined): string {
  if (!first && !last) return NAMELESS;
  const han = /^[\p{Script=Han}·]+$/u;
  if ([first, last].every((part) => !part || han.test(part))) return `${last ?? ''}${first ?? ''}`;
  return [first, last].filter(Boolean).join(' ');
}

/** A title from the description: its first sentence, at most 30 characters. */
export function titleOf(description: string): string {
  const flat = description.replace(/\s+/g, ' ').trim();
  const sentence = /^(.+?)[。！？!?；;\n]/u.exec(flat)?.[1] ?? flat;
  const chars = [...sentence];
  return chars.length > 30 ? `${chars.slice(0, 29).join('')}…` : sentence;
}

/** The request as POST /cases would take it. */
export function newCaseFromOpen311(post: Open311Post): NewCase {
  const location = post.address_string ?? (post.lat && post.long ? `${post.lat},${post.long}` : undefined);
  return NewCaseSchema.parse({
    channel: 'online',
    type: post.service_code,
    citizen: { name: citizenName(post.first_name, post.last_name), phone: post.phone },
    title: titleOf(post.description),
    content: post.description,
    ...(location ? { location } : {}),
  });
}
