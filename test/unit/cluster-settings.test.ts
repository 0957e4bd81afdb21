/**
 * The settings `npm start -- --cluster` derives before it starts anything (scripts/cluster/): the server's ports from
 * TEMPORAL_PORT, each process's metrics port, the arguments, the server's configuration text and the cache folder.
 * The running cluster itself is tested by `npm run test:cluster` (test/cluster/).
 */
import path from 'node:path';
import { clusterMetricsPorts } from '../../scripts/cluster/process-ports';
import { serverCacheRoot } from '../../scripts/cluster/server-binaries';
import { clusterPortsFrom, dynamicConfigSettings, serverConfigYaml } from '../../scripts/cluster/server-config';
import { parseStartArgs } from '../../scripts/cluster/start-mode';

test('the server takes TEMPORAL_PORT and the eight ports above it; membership ports must stay below 32768', () => {
  expect(clusterPortsFrom(7233)).toEqual({
    frontend: 7233,
    history: 7234,
    matching: 7235,
    worker: 7236,
    frontendMembership: 7237,
    historyMembership: 7238,
    matchingMembership: 7239,
    workerMembership: 7240,
    frontendHttp: 7241,
  });
  expect(() => clusterPortsFrom(32761)).toThrow(/TEMPORAL_PORT 32761 is too high for a cluster/);
  expect(clusterPortsFrom(32760).workerMembership).toBe(32767);
});

test('each process its own metrics port: API i at base + 2i, worker i at base + 2i + 1; off stays off', () => {
  expect(clusterMetricsPorts({ base: 9464, apis: 2, workers: 2 })).toEqual({ api: [9464, 9466], worker: [9465, 9467] });
  expect(clusterMetricsPorts({ base: undefined, apis: 2, workers: 2 })).toEqual({
    api: [undefined, undefined],
    worker: [undefined, undefined],
  });
  expect(clusterMetricsPorts({ base: 9464, apis: 2, workers: 2, workersOff: true })).toEqual({
    api: [9464, 9466],
    worker: [undefined, undefined],
  });
  expect(() => clusterMetricsPorts({ base: 65533, apis: 2, workers: 2 })).toThrow(/no room/);
});

test('npm start takes --cluster and nothing else', () => {
  expect(parseStartArgs([])).toEqual({ cluster: false });
  expect(parseStartArgs(['--cluster'])).toEqual({ cluster: true });
  expect(() => parseStartArgs(['--clustr'])).toThrow(/unknown argument --clustr/);
});

test("the server's configuration: shards, stores, ports on 127.0.0.1, a password quoted whatever it holds", () => {
  const yaml = serverConfigYaml({
    ports: clusterPortsFrom(7500),
    sql: { host: '127.0.0.1', port: 5600, user: 'huiying', password: 'p"a:ss #1' },
    databases: { temporal: 'temporal', visibility: 'temporal_visibility' },
    historyShards: 4,
    dynamicConfigFile: '/data/temporal-cluster/dynamicconfig.yaml',
  });
  expect(yaml).toContain('numHistoryShards: 4');
  expect(yaml).toContain('pluginName: "postgres12"');
  expect(yaml).toContain('databaseName: "temporal_visibility"');
  expect(yaml).toContain('password: "p\\"a:ss #1"');
  expect(yaml).toContain('grpcPort: 7500');
  expect(yaml).toContain('rpcAddress: "127.0.0.1:7500"');
  expect(yaml.match(/bindOnLocalHost: true/g)).toHaveLength(4);
  expect(yaml).toContain('filepath: "/data/temporal-cluster/dynamicconfig.yaml"');
});

test('dynamic config: the visibility rate raised always; fast namespace caches only for test clusters', () => {
  expect(dynamicConfigSettings()).toEqual({
    'frontend.namespaceRPS.visibility': 1000,
    'frontend.globalNamespaceRPS.namespaceReplicationInducingAPIs': 100,
  });
  expect(dynamicConfigSettings({ fastNamespaceChanges: true })).toMatchObject({
    'system.namespaceCacheRefreshInterval': '500ms',
    'system.forceSearchAttributesCacheRefreshOnRead': true,
  });
});

test('the built server is cached outside the clone: HUIYING_TEMPORAL_SERVER_CACHE, else the XDG cache, else ~/.cache', () => {
  expect(serverCacheRoot({ HUIYING_TEMPORAL_SERVER_CACHE: '/srv/temporal-cache' })).toBe('/srv/temporal-cache');
  expect(serverCacheRoot({ XDG_CACHE_HOME: '/var/cache/me' })).toBe(path.join('/var/cache/me', 'huiying', 'temporal-server'));
  expect(serverCacheRoot({})).toMatch(/\.cache\/huiying\/temporal-server$/);
});
