import { createHash, timingSafeEqual } from 'node:crypto';
import type { PartnerKey } from '../config/partner-keys';
import { OPEN311_ACTOR_PREFIX } from '../domain/open311-intake';
import type { Actor } from '../domain/roles';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * The partner platforms that may post Open311 requests (HUIYING_OPEN311_API_KEYS). A key is compared as a digest
 * with timingSafeEqual against every configured key, with no early exit, so neither a key's characters nor which
 * partner matched can be learnt from how long a refusal takes.
 */
export class Partners {
  private readonly digests: { name: string; digest: Buffer }[];
  constructor(partners: readonly PartnerKey[]) {
    this.digests = partners.map((p) => ({ name: p.name, digest: digest(p.key) }));
  }

  /** The partner whose key this is; undefined for a missing or unknown key. */
  byKey(apiKey: unknown): string | undefined {
    if (typeof apiKey !== 'string' || apiKey.length === 0) return undefined;
    const given = digest(apiKey);
    let found: string | undefined;
    for (const p of this.digests) if (timingSafeEqual(given, p.digest) && found === undefined) found = p.name;
    return found;
  }
}

/** Who registers a partner's requests: an operator that is the platform (the role that registers), never a person. */
export function partnerActor(name: string): Actor {
  return { id: `${OPEN311_ACTOR_PREFIX}${name}`, name: `合作平台 ${name}`, roles: ['operator'], levels: [] };
}
