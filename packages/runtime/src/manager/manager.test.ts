import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { kindRef } from '../objects';
import { Manager } from './manager';

function offlineKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kubeConfig;
}

const newManager = () =>
  new Manager({
    name: 'unit',
    kubeConfig: offlineKubeConfig(),
    logger: pino({ level: 'silent' }),
    flags: { metricsBindAddress: '127.0.0.1:0', healthProbeBindAddress: '127.0.0.1:0' },
  });

describe('Manager lifecycle', () => {
  it('starts nothing in the constructor', async () => {
    const manager = newManager();
    expect(manager.endpointPorts()).toEqual([]);
    await manager.stop();
  });

  it('a stop that arrives while starting waits for the start and closes what it opened', async () => {
    const manager = newManager();
    const starting = manager.start();
    const stopping = manager.stop();
    await starting;
    await stopping;
    await expect(manager.done).resolves.toBeUndefined();
    expect(manager.stop()).toBe(stopping);
  });

  it('reports not ready until its caches have synced', async () => {
    const manager = newManager();
    manager.controller('things').for(kindRef('v1', 'ConfigMap')).complete(() => Promise.resolve(undefined));
    await manager.start();
    const [probePort] = manager.endpointPorts();
    expect((await fetch(`http://127.0.0.1:${probePort}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${probePort}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([500, '[-]informers failed']);
    await manager.stop();
  });

  it('refuses controllers declared after start', async () => {
    const manager = newManager();
    await manager.start();
    expect(() => manager.controller('late')).toThrow(/declared after the manager started/);
    await manager.stop();
  });
});
