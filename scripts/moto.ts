/**
 * moto, a real S3-compatible server (the AWS API as moto's Flask server answers it), for the tests of the S3 blob
 * store: installed from PyPI, pinned, into a venv of its own under .test-data/ (git-ignored), as the Temporal
 * binaries are (scripts/temporal-binaries.ts). `npm run setup:moto` installs it and prints the server's path; the
 * tests call `ensureMotoServer()`, which is instant once it is installed.
 */
import path from 'node:path';
import { ensureWheelProgram } from './wheel-venv';

/** `moto[server]` brings Flask and the S3 backend; pinned so that every machine runs the same server. */
export const MOTO_VERSION = '5.2.5';

/** The path of `moto_server`, installing moto first if this machine lacks it; a failure says what to install. */
export function ensureMotoServer(): Promise<string> {
  return ensureWheelProgram({
    name: 'moto-venv',
    requirement: `moto[server]==${MOTO_VERSION}`,
    program: path.join(process.platform === 'win32' ? 'Scripts' : 'bin', 'moto_server'),
    hint: 'moto is installed from PyPI with Python 3, venv and pip: apt-get install python3 python3-venv python3-pip',
  });
}

if (require.main === module) {
  ensureMotoServer().then(
    (server) => console.log(`moto_server: ${server}`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
