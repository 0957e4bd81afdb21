import { loadConfig } from '../../config';
import { shellEnvText } from '../../scripts/shell-env';
import { cliTarget, planCli } from '../../scripts/temporal-cli';

describe('npm run temporal: the CLI sent where the configuration says', () => {
  test("without TEMPORAL_ADDRESS, the server npm start runs on TEMPORAL_PORT; the namespace is Huiying's", () => {
    const target = cliTarget(loadConfig({ TEMPORAL_PORT: '7600', TEMPORAL_NAMESPACE: 'lezhi' }));
    expect(target).toMatchObject({ address: '127.0.0.1:7600', namespace: 'lezhi' });
    expect(target.decidedBy).toContain('TEMPORAL_PORT=7600');
    expect(planCli(['workflow', 'list', '--query', "HuiyingStage = 'reviewing'"], target)).toEqual({
      kind: 'remote',
      args: ['--address', '127.0.0.1:7600', '--namespace', 'lezhi', 'workflow', 'list', '--query', "HuiyingStage = 'reviewing'"],
    });
  });

  test('TEMPORAL_ADDRESS names a cluster', () => {
    const target = cliTarget(loadConfig({ TEMPORAL_ADDRESS: 'temporal.county.internal:7233' }));
    expect(target).toMatchObject({ address: 'temporal.county.internal:7233', namespace: 'default', decidedBy: 'TEMPORAL_ADDRESS' });
  });

  test('an address or namespace typed by hand is refused; commands that connect to nothing pass through', () => {
    const target = cliTarget(loadConfig({}));
    for (const args of [
      ['workflow', 'list', '--address', 'localhost:7233'],
      ['--namespace=x', 'workflow', 'list'],
      ['workflow', 'list', '-n', 'x'],
    ]) {
      expect(planCli(args, target).kind).toBe('refused');
    }
    expect(planCli(['server', 'start-dev', '--help'], target)).toEqual({ kind: 'local', args: ['server', 'start-dev', '--help'] });
    expect(planCli([], target).kind).toBe('local');
    expect(planCli(['--help'], target).kind).toBe('local');
  });
});

describe('huiying.env: the configuration npm start runs with, for another shell', () => {
  const env = {
    PORT: '3400',
    TEMPORAL_PORT: '7600',
    HUIYING_LIMITS_FILE: '/etc/huiying/limits county.json',
    AUTH_JWT_SECRET: 's'.repeat(40),
    HUIYING_PAYLOAD_KEYS: 'k1:abc',
    DATABASE_URL: 'postgres://huiying:pw@db:5432/huiying',
    PATH: '/usr/bin',
  };
  const system = { dataDir: '/tmp/h data', apiPort: 3400, namespace: 'default', temporalAddress: '127.0.0.1:7600' };

  test('writes what decides where things are, and every other Huiying variable given, quoted for the shell', () => {
    const text = shellEnvText(env, { ...system, ownTemporal: { port: 7600, uiPort: 8600 }, embeddedDbPort: 5540 });
    expect(text).toContain("export HUIYING_DATA_DIR='/tmp/h data'\n");
    expect(text).toContain('export PORT=3400\n');
    expect(text).toContain('export TEMPORAL_PORT=7600\nexport TEMPORAL_UI_PORT=8600\n');
    expect(text).toContain('export HUIYING_DB_PORT=5540\n');
    expect(text).toContain("export HUIYING_LIMITS_FILE='/etc/huiying/limits county.json'\n");
    expect(text).toContain('export API=http://localhost:3400\n');
    // npm start in a shell that sourced it starts its own server again, not a client of the old address.
    expect(text).not.toContain('TEMPORAL_ADDRESS');
    expect(text).not.toContain('PATH=');
  });

  test('never a secret; names those that were set', () => {
    const text = shellEnvText(env, system);
    expect(text).toContain('export TEMPORAL_ADDRESS=127.0.0.1:7600\n');
    for (const secret of ['s'.repeat(40), 'k1:abc', 'pw@db']) expect(text).not.toContain(secret);
    expect(text).toMatch(/# Not written here \(secrets\): AUTH_JWT_SECRET, DATABASE_URL, HUIYING_PAYLOAD_KEYS\./);
  });
});
