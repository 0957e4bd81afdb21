import { createServer } from 'node:net';

/**
 * Asks the OS for a free TCP port on the loopback interface.
 * There is a small window between closing the probe socket and the caller binding the port;
 * callers that start servers should treat a bind failure as retryable.
 */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
