// The k8sd the contract suite talks to: a fresh simulator by default, or a real k8sd control plane node when
// K8SD_CONTRACT_URL (https://<node address>:<microcluster port>), K8SD_CONTRACT_AUTH_TOKEN and
// K8SD_CONTRACT_NODE_TOKEN are set.
import { randomBytes } from 'node:crypto';
import { directTransport, K8sdClient } from '@capi-ck8s/k8sd';
import { K8sdSimulator } from '../src';

export interface ContractTarget {
  kind: 'simulator' | 'real';
  url: URL;
  authToken: string;
  nodeToken: string;
  client(credentials?: { authToken?: string; nodeToken?: string }, timeoutMs?: number): K8sdClient;
  stop(): Promise<void>;
}

function clientFactory(url: URL, defaults: { authToken: string; nodeToken: string }) {
  return (credentials: { authToken?: string; nodeToken?: string } = defaults, timeoutMs?: number) =>
    new K8sdClient(
      directTransport({ address: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) }),
      credentials,
      timeoutMs === undefined ? {} : { timeoutMs },
    );
}

export async function contractTarget(): Promise<ContractTarget> {
  const realUrl = process.env['K8SD_CONTRACT_URL'];
  if (realUrl) {
    const authToken = process.env['K8SD_CONTRACT_AUTH_TOKEN'] ?? '';
    const nodeToken = process.env['K8SD_CONTRACT_NODE_TOKEN'] ?? '';
    if (!authToken || !nodeToken) throw new Error('K8SD_CONTRACT_URL needs K8SD_CONTRACT_AUTH_TOKEN and K8SD_CONTRACT_NODE_TOKEN');
    const url = new URL(realUrl);
    return { kind: 'real', url, authToken, nodeToken, client: clientFactory(url, { authToken, nodeToken }), stop: () => Promise.resolve() };
  }
  const simulator = await K8sdSimulator.start();
  const authToken = randomBytes(16).toString('hex');
  const nodeToken = randomBytes(16).toString('hex');
  const cluster = simulator.createCluster('contract', { authToken });
  const node = await cluster.bootstrap({ name: 'cp-0', nodeToken });
  const url = new URL(simulator.urlOf(node));
  return {
    kind: 'simulator',
    url,
    authToken,
    nodeToken,
    client: clientFactory(url, { authToken, nodeToken }),
    stop: () => simulator.stop(),
  };
}
