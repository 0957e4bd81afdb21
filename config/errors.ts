/** One thing wrong with the environment, tied to the variable it is about. */
export interface ConfigProblem {
  variable: string;
  /** What is wrong and what is expected; never the value of a secret. */
  message: string;
}

/**
 * The environment does not make a valid configuration. Lists every problem at once, so that one start-up
 * tells an operator everything to fix rather than one thing per attempt.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    super(
      `the configuration (environment variables) has ${count}; see README "Configuration":\n${problems.map((p) => `  - ${line(p)}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Some messages (from shared parsers) already start with the variable's name; it is not repeated. */
function line(p: ConfigProblem): string {
  return p.message.startsWith(p.variable) ? p.message : `${p.variable}: ${p.message}`;
}
