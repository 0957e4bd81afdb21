/**
 * Spawns long-running helper processes (Temporal server, worker, API) so that they cannot outlive us.
 *
 * Node has no PR_SET_PDEATHSIG, so each command runs under a tiny `sh` guard that holds the read end of a
 * pipe whose write end only this Node process has: when we die, even by SIGKILL, the guard reads EOF and
 * terminates the command. The guard also forwards SIGTERM/SIGINT and exits with the command's status.
 * Each guard leads its own process group, so a terminal's Ctrl-C reaches only us and we decide the order
 * in which things stop; a last-resort SIGKILL goes to the whole group.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export type GuardedChild = ChildProcessByStdio<Writable, Readable, Readable>;

const GUARD_SCRIPT = `
exec 3<&0
"$@" </dev/null &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM
trap 'kill -INT "$child" 2>/dev/null' INT
( read -r _ <&3; kill -TERM "$child" 2>/dev/null; sleep 10; kill -KILL "$child" 2>/dev/null ) &
watcher=$!
wait "$child"; status=$?
while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
kill "$watcher" 2>/dev/null
exit "$status"
`;

export function spawnGuarded(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): GuardedChild {
  const stdio: ['pipe', 'pipe', 'pipe'] = ['pipe', 'pipe', 'pipe'];
  if (process.platform === 'win32') {
    return spawn(command, [...args], { ...options, stdio, windowsHide: true });
  }
  const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT, 'guard', command, ...args], { ...options, stdio, detached: true });
  // The pipe must stay open but must not keep our event loop alive on its own.
  child.stdin.on('error', () => undefined);
  unrefStream(child.stdin);
  return child;
}

/** Resolves once the child has exited (immediately if it already has). */
export function exited(child: GuardedChild): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM, then SIGKILL to the whole process group if it has not exited after `graceMs`. */
export async function stopGuarded(child: GuardedChild, graceMs = 5_000): Promise<void> {
  const done = exited(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  signal(child, 'SIGTERM', false);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const killed = await Promise.race([done.then(() => false), timedOut]);
  clearTimeout(timer);
  if (killed) {
    signal(child, 'SIGKILL', true);
    await done;
  }
  // The guard may be gone while a stubborn grandchild lingers in its group.
  signal(child, 'SIGKILL', true);
}

function signal(child: GuardedChild, sig: NodeJS.Signals, wholeGroup: boolean): void {
  if (child.pid === undefined) return;
  try {
    if (wholeGroup && process.platform !== 'win32') process.kill(-child.pid, sig);
    else child.kill(sig);
  } catch {
    // Already gone.
  }
}

function unrefStream(stream: Writable): void {
  const handle = (stream as unknown as { _handle?: { unref?: () => void } })._handle;
  handle?.unref?.();
}
