/**
 * `npm run temporal -- <args>`: the pinned Temporal CLI (scripts/temporal-binaries.ts), pointed at the server and
 * namespace this configuration names — TEMPORAL_ADDRESS, or the dev server `npm start` runs on TEMPORAL_PORT, and
 * TEMPORAL_NAMESPACE — never at whatever the CLI would pick by itself (its own default, localhost:7233, may be another
 * Huiying). Before a command that talks to a server, it checks that a server answers there with that namespace, and
 * refuses to run anything otherwise.
 */
import { spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { ConfigError, loadConfig, type Config } from '../config';
import { ensureTemporalBinaries } from './temporal-binaries';

/** Where the CLI is sent, and which setting decided it (for the messages). */
export interface CliTarget {
  address: string;
  namespace: string;
  decidedBy: string;
}

export function cliTarget(config: Config): CliTarget {
  const { address, namespace } = config.temporal;
  const decidedBy = config.start.devServer
    ? `TEMPORAL_PORT=${config.start.devServer.port}: the dev server \`npm start\` runs`
    : 'TEMPORAL_ADDRESS';
  return { address, namespace, decidedBy };
}

/** The CLI's commands that talk to no server: they get no connection flags (the CLI refuses them there). */
const LOCAL_COMMANDS = new Set(['server', 'env', 'config', 'help', 'completion', 'options']);
/** Connection flags this wrapper sets itself: a second value could only send the command somewhere else. */
const OWN_FLAGS = ['--address', '--namespace', '-n'];

export type CliPlan = { kind: 'local'; args: string[] } | { kind: 'remote'; args: string[] } | { kind: 'refused'; reason: string };

/** What to run for the user's arguments: their command with the configured address and namespace in front. */
export function planCli(userArgs: readonly string[], target: CliTarget): CliPlan {
  const own = userArgs.find((a) => OWN_FLAGS.some((f) => a === f || a.startsWith(`${f}=`)));
  if (own) {
    return {
      kind: 'refused',
      reason:
        `${own.split('=')[0]} is taken from Huiying's configuration (${target.address}, namespace ${target.namespace}). ` +
        'To reach another server, set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE) for this command instead.',
    };
  }
  const command = userArgs.find((a) => !a.startsWith('-'));
  if (command === undefined || LOCAL_COMMANDS.has(command)) return { kind: 'local', args: [...userArgs] };
  // Global flags go before the command: the CLI accepts them there for every command that connects.
  return { kind: 'remote', args: ['--address', target.address, '--namespace', target.namespace, ...userArgs] };
}

/** Null when a Temporal server answers at the target with its namespace; else why not, for the refusal. */
export async function unreachable(target: CliTarget, timeoutMs = 3_000): Promise<string | null> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: target.address, connectTimeout: timeoutMs });
  } catch (err) {
    return `no Temporal server answers at ${target.address} (${target.decidedBy}): ${firstLine(err)}`;
  }
  try {
    const deadline = () => new Date(Date.now() + timeoutMs);
    try {
      await connection.withDeadline(deadline(), () => connection.workflowService.getSystemInfo({}));
    } catch (err) {
      return `no Temporal server answers at ${target.address} (${target.decidedBy}): ${firstLine(err)}`;
    }
    try {
      await connection.withDeadline(deadline(), () => connection.workflowService.describeNamespace({ namespace: target.namespace }));
    } catch (err) {
      return `the Temporal server at ${target.address} (${target.decidedBy}) has no namespace '${target.namespace}' (TEMPORAL_NAMESPACE): ${firstLine(err)}`;
    }
    return null;
  } finally {
    await connection.close();
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

async function main(): Promise<number> {
  const userArgs = process.argv.slice(2);
  const config = loadConfig();
  const target = cliTarget(config);
  const plan = planCli(userArgs, target);
  if (plan.kind === 'refused') {
    console.error(`npm run temporal: ${plan.reason}`);
    return 2;
  }
  if (plan.kind === 'remote') {
    const why = await unreachable(target);
    if (why) {
      console.error(
        `npm run temporal: ${why}.\nNothing was run. Is \`npm start\` running with this configuration? ` +
          `The variables it was started with are in ${config.dataDir}/huiying.env: \`source\` that file in this shell ` +
          '(or set HUIYING_DATA_DIR, TEMPORAL_PORT or TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE as it was started).',
      );
      return 2;
    }
    // On stderr, so that `-o json` output stays clean for a pipe.
    console.error(`[temporal] ${target.address}, namespace ${target.namespace} (${target.decidedBy})`);
  }
  const { cli } = await ensureTemporalBinaries();
  const child = spawn(cli, plan.args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`npm run temporal: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
