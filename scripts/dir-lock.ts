/**
 * A cross-process lock built on mkdir, which is atomic on every local file system, so that it works
 * without native modules. The holder refreshes the directory's mtime; a lock whose holder died (same host,
 * pid gone) or stopped refreshing it is taken over.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const HEARTBEAT_MS = 10_000;
const STALE_AFTER_MS = 60_000;
const POLL_MS = 500;

interface Owner {
  pid: number;
  host: string;
}

export async function withDirLock<T>(
  lockDir: string,
  fn: () => Promise<T>,
  { timeoutMs = 20 * 60_000 }: { timeoutMs?: number } = {},
): Promise<T> {
  await acquire(lockDir, timeoutMs);
  const heartbeat = setInterval(() => {
    const now = new Date();
    fs.utimes(lockDir, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await fs.rm(lockDir, { recursive: true, force: true });
  }
}

async function acquire(lockDir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  await fs.mkdir(path.dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      await fs.mkdir(lockDir);
      const owner: Owner = { pid: process.pid, host: os.hostname() };
      await fs.writeFile(path.join(lockDir, 'owner.json'), JSON.stringify(owner));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStale(lockDir)) {
      // Two waiters that both judge the lock stale could both get in; that needs a holder to have died
      // first, and what this lock guards (pip install, atomic marker write) survives running twice.
      await fs.rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockDir} (remove it if no install is running)`);
    if (!announced) {
      process.stderr.write(`Waiting for another process holding ${lockDir} ...\n`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function isStale(lockDir: string): Promise<boolean> {
  let mtimeMs: number;
  try {
    mtimeMs = (await fs.stat(lockDir)).mtimeMs;
  } catch {
    return false; // Released meanwhile: the next mkdir will tell.
  }
  if (Date.now() - mtimeMs > STALE_AFTER_MS) return true;
  try {
    const owner = JSON.parse(await fs.readFile(path.join(lockDir, 'owner.json'), 'utf8')) as Owner;
    return owner.host === os.hostname() && !isAlive(owner.pid);
  } catch {
    return false; // Owner file not written yet: give the holder time.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
