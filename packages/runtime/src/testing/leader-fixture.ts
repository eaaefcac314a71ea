/**
 * A minimal provider process for the leader-election test: one controller on ConfigMaps of one namespace, leader
 * election on, every reconcile and leadership change printed as a JSON line on stdout.
 * Environment: KUBECONFIG, NAMESPACE, IDENTITY.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { destination } from 'pino';
import { kindRef } from '../objects';
import { createLogger } from '../logging';
import { Manager } from '../manager/manager';
import { runManager } from '../manager/process';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

const namespace = required('NAMESPACE');
const identity = required('IDENTITY');
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(required('KUBECONFIG'));

const print = (event: string, extra: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ event, identity, at: Date.now(), ...extra })}\n`);
};

const manager = new Manager({
  name: 'leader-fixture',
  kubeConfig,
  identity,
  leaderElectionNamespace: namespace,
  logger: createLogger({ level: 'info', destination: destination(2) }),
  flags: { leaderElect: true, namespace, metricsBindAddress: '0', healthProbeBindAddress: '0', concurrency: 2 },
});

manager.controller('configmap').for(kindRef('v1', 'ConfigMap')).complete((key) => {
  print('reconcile', { object: key.name, leader: manager.isLeader() });
  return Promise.resolve(undefined);
});

void manager.waitForLeadership().then(() => print('leading'));
print('started');
await runManager(manager);
