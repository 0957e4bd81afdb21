/**
 * Who sees how much of the citizen behind a case (个人信息保护法; 信访 rules; GB/T 33358-2016). Pure: the API's
 * case views, the ledger export and anything else that shows a case to a person ask `citizenVisibility` and
 * nothing else, so there is exactly one rule.
 */
import type { CaseState, Citizen } from './case';
import { maskPhone } from './masking';
import { UNMASKED_PHONE_ROLES } from './permissions';
import type { Actor } from './roles';
import type { z } from 'zod';
import type { CitizenVisibilitySchema } from './view';

/**
 * - `full`: name and phone as recorded (those who must call the citizen: UNMASKED_PHONE_ROLES).
 * - `masked`: the name, the phone masked (138****5678); phone and ID numbers in free text masked too.
 * - `hidden`: neither name nor phone, not even masked; the name and phone are also cut out of free text.
 */
export type CitizenVisibility = z.infer<typeof CitizenVisibilitySchema>;

/** What of a case decides its citizen's visibility; a whole `CaseState` will do. */
export type PrivacyFacts = Pick<CaseState, 'confidential' | 'type' | 'about' | 'unit'>;

/** What takes the citizen's place when they are hidden. */
export const CONCEALED = '（保密）';

/**
 * The one privacy rule: how much of the citizen behind this case `actor` may see.
 *
 * A case is *protected* when the citizen asked for confidentiality, when it is a report (举报, whistle-blowing),
 * or when it names the unit it complains about (`about`). The people of the units concerned — anyone whose
 * token carries the unit the case is assigned to (`unit`) or the unit it is about (`about`) — never see who
 * complained about a protected case: `hidden`, whatever other role they hold. Otherwise the roles that must
 * call the citizen (operators, supervisors: UNMASKED_PHONE_ROLES in permissions.ts) see it `full`; everyone
 * else `masked`.
 *
 * Use it for every way a case reaches a person: API views, lists, exports (the ledger), notifications.
 */
export function citizenVisibility(facts: PrivacyFacts, actor: Pick<Actor, 'roles' | 'unit'>): CitizenVisibility {
  if (isProtected(facts) && actor.unit !== undefined && (actor.unit === facts.unit || actor.unit === facts.about)) return 'hidden';
  return actor.roles.some((r) => UNMASKED_PHONE_ROLES.has(r)) ? 'full' : 'masked';
}

/**
 * Whether `actor` sees every citizen in full, whatever the case: a role that must call citizens, and no unit that a
 * protected case could concern. Only such a person may look cases up by a citizen's phone, since finding a case by
 * its reporter's phone tells who reported it.
 */
export function seesEveryCitizen(actor: Pick<Actor, 'roles' | 'unit'>): boolean {
  return actor.unit === undefined && actor.roles.some((r) => UNMASKED_PHONE_ROLES.has(r));
}

/** Confidential, a report, or about a named unit: the units concerned must not learn who complained. */
export function isProtected(facts: Pick<PrivacyFacts, 'confidential' | 'type' | 'about'>): boolean {
  return facts.confidential || facts.type === 'report' || (facts.about !== undefined && facts.about !== null);
}

/** The citizen as someone with this visibility sees them. */
export function citizenAs(citizen: Citizen, visibility: CitizenVisibility): Citizen {
  switch (visibility) {
    case 'full':
      return citizen;
    case 'masked':
      return { ...citizen, phone: maskPhone(citizen.phone) };
    case 'hidden':
      return { name: CONCEALED, phone: CONCEALED };
  }
}

/** 510***********1234: a mainland resident ID number (18 characters) keeps its first three and last four. */
export function maskIdNumber(id: string): string {
  return id.length > 7 ? `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}` : '*'.repeat(id.length);
}

// A mobile number (11 digits from 13x–19x) or an 18-character resident ID, not inside a longer run of digits.
const MOBILE = /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/g;
const ID_NUMBER = /(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])/g;

/**
 * Free text (title, content, notes, results) as someone with this visibility sees it: phone and ID numbers
 * masked for `masked` and `hidden`; for `hidden` also the citizen's own phone (however written) and name cut out.
 * A one-character name is left alone: cutting every such character out of the text would destroy it.
 */
export function redactText(text: string, citizen: Citizen, visibility: CitizenVisibility): string {
  if (visibility === 'full') return text;
  let out = text;
  if (visibility === 'hidden') {
    const digits = citizen.phone.replace(/\D/g, '');
    if (digits.length >= 5) out = out.replace(new RegExp(digits.split('').join('[\\s-]?'), 'g'), CONCEALED);
    const name = citizen.name.trim();
    if (name.length >= 2) out = out.split(name).join(CONCEALED);
  }
  return maskNumbers(out);
}

/** Mobile and resident ID numbers anywhere in `text` masked (138****5678, 510***********1234). */
export function maskNumbers(text: string): string {
  return text.replace(ID_NUMBER, maskIdNumber).replace(MOBILE, maskPhone);
}

/** The free-text fields of a case that a citizen's identity can slip into. */
type FreeText = Pick<
  CaseState,
  | 'title'
  | 'content'
  | 'location'
  | 'result'
  | 'timeline'
  | 'reviews'
  | 'extension'
  | 'returnRequest'
  | 'returnRefusals'
  | 'appeal'
  | 'voided'
>;

/** The case's free text redacted for `visibility` (see `redactText`); identifiers and codes are left as they are. */
export function redactCase<S extends FreeText>(state: S, citizen: Citizen, visibility: CitizenVisibility): S {
  if (visibility === 'full') return state;
  const r = (text: string) => redactText(text, citizen, visibility);
  const opt = (text: string | undefined) => (text === undefined ? undefined : r(text));
  const pending = state.extension.pending;
  return {
    ...state,
    title: r(state.title),
    content: r(state.content),
    ...(state.location === undefined ? {} : { location: r(state.location) }),
    result: state.result === null ? null : r(state.result),
    timeline: state.timeline.map((e) => (e.note === undefined ? e : { ...e, note: opt(e.note) })),
    reviews: state.reviews.map((rv) => (rv.comment === undefined ? rv : { ...rv, comment: opt(rv.comment) })),
    extension: pending ? { ...state.extension, pending: { ...pending, reason: r(pending.reason) } } : state.extension,
    ...(state.returnRequest ? { returnRequest: { ...state.returnRequest, reason: r(state.returnRequest.reason) } } : {}),
    ...(state.returnRefusals ? { returnRefusals: state.returnRefusals.map((x) => ({ ...x, grounds: r(x.grounds) })) } : {}),
    ...(state.appeal ? { appeal: { ...state.appeal, reason: r(state.appeal.reason) } } : {}),
    ...(state.voided?.note ? { voided: { ...state.voided, note: r(state.voided.note) } } : {}),
  };
}
