/**
 * Huiying's configuration: every environment variable it reads (config/schema.ts), read once by each entry point
 * (api/server.ts, worker/index.ts, scripts/start.ts, scripts/token.ts), which hands the pieces down. Nothing
 * below an entry point reads process.env.
 */
import { ConfigError, type ConfigProblem } from './errors';
import { ConfigSchema, KNOWN_VARIABLES, OTHER_TOOLS_VARIABLES, type Config } from './schema';
import { unknownVariables } from './unknown-variables';

export { ConfigError, type ConfigProblem } from './errors';
export type { Config } from './schema';

/**
 * The configuration the environment describes. Throws a ConfigError listing every problem: invalid values, a
 * missing companion (AUTH_JWKS_URL without AUTH_ISSUER...), and unknown HUIYING_* / AUTH_* names (and TEMPORAL_*
 * names a typo away from one of ours), with a suggestion when one is close. Reads no files.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const problems: ConfigProblem[] = unknownVariables(env, KNOWN_VARIABLES, OTHER_TOOLS_VARIABLES);
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ variable: String(issue.path[0] ?? '(environment)'), message: issue.message });
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}
