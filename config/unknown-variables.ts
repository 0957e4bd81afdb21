/**
 * Variables that look like Huiying's but are not: a misspelt name is otherwise silently ignored, and the
 * setting it meant to change keeps its default. Only the names are looked at, never the values.
 */
import { closestName } from './edit-distance';
import type { ConfigProblem } from './errors';

/** Prefixes that are Huiying's alone: a variable with one of them that Huiying does not know is a mistake. */
const OWN_PREFIXES = ['HUIYING_', 'AUTH_'];
/**
 * Other tools read TEMPORAL_* variables too (the Temporal CLI: TEMPORAL_TLS_*, TEMPORAL_API_KEY...): such a
 * name is refused only when it is this close to one Huiying knows, as a typo of it.
 */
const TEMPORAL_PREFIX = 'TEMPORAL_';
const TEMPORAL_TYPO_DISTANCE = 2;
/** How far a "did you mean" suggestion may be from the name given. */
const SUGGESTION_DISTANCE = 3;

export function unknownVariables(
  env: Readonly<Record<string, string | undefined>>,
  known: readonly string[],
  othersVariables: readonly string[],
): ConfigProblem[] {
  const knownSet = new Set([...known, ...othersVariables]);
  const knownTemporal = known.filter((name) => name.startsWith(TEMPORAL_PREFIX));
  const problems: ConfigProblem[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || knownSet.has(name)) continue;
    if (OWN_PREFIXES.some((prefix) => name.startsWith(prefix))) {
      const near = closestName(name, known, SUGGESTION_DISTANCE);
      problems.push({ variable: name, message: `not a variable Huiying knows${near ? `; did you mean ${near.name}?` : ''}` });
    } else if (name.startsWith(TEMPORAL_PREFIX)) {
      const near = closestName(name, knownTemporal, TEMPORAL_TYPO_DISTANCE);
      if (near) problems.push({ variable: name, message: `not a variable Huiying knows; did you mean ${near.name}?` });
    }
  }
  return problems;
}
