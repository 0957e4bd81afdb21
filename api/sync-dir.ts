import fs from 'node:fs/promises';

/** A new or renamed file's name is durable only once its directory is synced. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
