// A workload cluster as the providers meet it: a real kube-apiserver whose serving certificate is signed by our
// generated cluster CA and whose --client-ca-file is our generated client CA, reached with our rendered kubeconfig;
// and the k8sd of simulated nodes reached through it by pod port-forward, as upstream does via the k8sd-proxy pods.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import {
  directTransport,
  K8sdClient,
  K8sdRequestError,
  K8SD_PATHS,
  portForwardTransport,
  WorkloadK8sd,
} from '@capi-ck8s/k8sd';
import {
  createCertificateAuthority,
  generateClusterCertificateAuthorities,
  issueAdminClientCertificate,
  renderKubeconfig,
} from '@capi-ck8s/pki';
import { startControlPlane, type TestControlPlane } from '@capi-ck8s/testenv';
import { type SimulatedCluster, type SimulatedNode } from './cluster';
import { KubeletPortForwardSimulator } from './kubelet-port-forward';
import { K8sdSimulator } from './server';
import { rejectionOf as failure } from '../jest/failures';

const authToken = randomBytes(16).toString('hex');
const nodeTokens = new Map<string, string>();
let controlPlane: TestControlPlane;
let kubeConfig: KubeConfig;
let core: CoreV1Api;
let simulator: K8sdSimulator;
let cluster: SimulatedCluster;
const nodes = new Map<string, SimulatedNode>();
const kubelets = new Map<string, KubeletPortForwardSimulator>();
const proxyPod = (nodeName: string) => `k8sd-proxy-${nodeName}`;

async function registerNode(node: SimulatedNode): Promise<void> {
  const kubelet = await KubeletPortForwardSimulator.start({
    address: node.address,
    resolve: (namespace, pod, port) =>
      namespace === 'kube-system' && pod === proxyPod(node.name) && port === 2380
        ? { host: node.address, port: simulator.microclusterPort }
        : undefined,
  });
  kubelets.set(node.name, kubelet);
  const labels: Record<string, string> = node.role === 'control-plane' ? { 'node-role.kubernetes.io/control-plane': '' } : {};
  await core.createNode({ body: { metadata: { name: node.name, labels } } });
  const created = await core.readNode({ name: node.name });
  const now = new Date();
  created.status = {
    addresses: [{ type: 'InternalIP', address: node.address }],
    daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } },
    conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: now, lastTransitionTime: now, reason: 'KubeletReady' }],
  };
  await core.replaceNodeStatus({ name: node.name, body: created });
  await core.createNamespacedPod({
    namespace: 'kube-system',
    body: {
      metadata: { name: proxyPod(node.name), labels: { app: 'k8sd-proxy' } },
      spec: { nodeName: node.name, containers: [{ name: 'k8sd-proxy', image: 'ghcr.io/canonical/cluster-api-k8s/socat:1.8.0.0' }] },
    },
  });
  await setProxyPodReady(node.name, true);
}

async function setProxyPodReady(nodeName: string, ready: boolean): Promise<void> {
  const pod = await core.readNamespacedPod({ namespace: 'kube-system', name: proxyPod(nodeName) });
  pod.status = { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date() }] };
  await core.replaceNamespacedPodStatus({ namespace: 'kube-system', name: proxyPod(nodeName), body: pod });
}

async function addNode(name: string, joinAs?: 'control-plane' | 'worker'): Promise<void> {
  const nodeToken = randomBytes(16).toString('hex');
  nodeTokens.set(name, nodeToken);
  const node = joinAs
    ? await cluster.join({ name, nodeToken, token: cluster.generateJoinToken({ name, worker: joinAs === 'worker', ttl: 0 }) })
    : await cluster.bootstrap({ name, nodeToken });
  nodes.set(name, node);
  await registerNode(node);
}

beforeAll(async () => {
  const { ca, clientCa } = await generateClusterCertificateAuthorities();
  controlPlane = await startControlPlane({ name: 'workload', controllerManager: false, servingCa: ca, clientCa });
  const admin = await issueAdminClientCertificate({ clientCa });
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(renderKubeconfig({ clusterName: 'workload', server: controlPlane.server, caCertPem: ca.certPem, client: admin }));
  core = kubeConfig.makeApiClient(CoreV1Api);
  simulator = await K8sdSimulator.start();
  cluster = simulator.createCluster('workload', { authToken });
  await addNode('cp-0');
  await addNode('cp-1', 'control-plane');
  await addNode('worker-0', 'worker');
}, 120_000);

afterAll(async () => {
  await Promise.all([...kubelets.values()].map((kubelet) => kubelet.stop()));
  await simulator?.stop();
  await controlPlane?.stop();
});

function workload(timeoutMs?: number): WorkloadK8sd {
  return new WorkloadK8sd({ kubeConfig, authToken, microclusterPort: simulator.microclusterPort, ...(timeoutMs ? { timeoutMs } : {}) });
}


describe('generated cluster PKI against a real kube-apiserver', () => {
  it('authenticates with the rendered kubeconfig (admin cert from the client CA, server verified by the cluster CA) and reads /version', async () => {
    const version = await kubeConfig.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(kubeConfig.getCurrentContext()).toBe('workload-admin@workload');
  });

  it('is refused by the same API server with an admin certificate from another CA', async () => {
    const otherCa = await createCertificateAuthority({ commonName: 'kubernetes' });
    const impostor = await issueAdminClientCertificate({ clientCa: otherCa });
    const other = new KubeConfig();
    const cluster = kubeConfig.getCurrentCluster()!;
    other.loadFromString(
      renderKubeconfig({ clusterName: 'workload', server: cluster.server, caCertPem: Buffer.from(cluster.caData!, 'base64').toString(), client: impostor }),
    );
    const error = await failure(other.makeApiClient(CoreV1Api).listNamespace());
    expect(error.message).toMatch(/HTTP-Code: 401/);
  });
});

describe('k8sd through pod port-forward via the API server', () => {
  it('chooses the first control plane node whose proxy answers, reports it, and the API server dialled its kubelet as asked', async () => {
    const { client, nodeName } = await workload().forControlPlane();
    expect(nodeName).toBe('cp-0');
    expect(client.target).toContain(`port-forward kube-system/${proxyPod('cp-0')}:2380`);
    const token = await client.generateJoinToken({ name: 'cp-2', worker: false });
    expect(cluster.pendingJoinTokens().map((pending) => pending.token)).toContain(token);
    expect(kubelets.get('cp-0')!.requests.at(-1)).toEqual({ namespace: 'kube-system', pod: proxyPod('cp-0'), port: 2380, protocol: 'v4.channel.k8s.io' });
    expect(simulator.requests.filter((request) => request.path === K8SD_PATHS.generateJoinToken).at(-1)).toMatchObject({
      node: 'cp-0',
      // Like upstream, the URL names the node's InternalIP and microcluster port; the tunnel decides where it goes.
      host: `${nodes.get('cp-0')!.address}:${simulator.microclusterPort}`,
      body: '{"name":"cp-2","worker":false}',
      statusCode: 200,
    });
    client.close();
  });

  it('skips a control plane node whose proxy pod is not Ready', async () => {
    await setProxyPodReady('cp-0', false);
    try {
      const { nodeName } = await workload().forControlPlane();
      expect(nodeName).toBe('cp-1');
    } finally {
      await setProxyPodReady('cp-0', true);
    }
  });

  it('skips ignored nodes, as when removing one of them', async () => {
    const { client, nodeName } = await workload().forControlPlane({ ignoreNodes: ['cp-0'] });
    expect(nodeName).toBe('cp-1');
    client.close();
  });

  it('stops the control plane search when the caller aborts, instead of trying the next node', async () => {
    nodes.get('cp-0')!.injectFault('/', { kind: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const error = await failure(workload().forControlPlane({ signal: controller.signal }));
    expect((error as K8sdRequestError).kind).toBe('aborted');
    expect(error.message).toContain('via node cp-0');
    await expect(workload().forControlPlane({ signal: AbortSignal.abort() })).rejects.toThrow('k8sd target lookup aborted');
  });

  it('reaches a given node with its node token and carries many concurrent calls, one tunnel each', async () => {
    const client = await workload().forNode('worker-0', nodeTokens.get('worker-0')!);
    const before = kubelets.get('worker-0')!.requests.length;
    const expiries = await Promise.all(Array.from({ length: 12 }, () => client.certificatesExpiry()));
    const expected = Math.floor(nodes.get('worker-0')!.certificatesExpiry.getTime() / 1000) * 1000;
    expect(new Set(expiries.map((expiry) => expiry.getTime()))).toEqual(new Set([expected]));
    expect(kubelets.get('worker-0')!.requests.length - before).toBe(12);
  });

  it('refreshes a worker certificate: run blocks on the worker until a control plane node approves its CSRs', async () => {
    const worker = await workload().forNode('worker-0', nodeTokens.get('worker-0')!);
    const plan = await worker.refreshCertificatesPlan();
    expect(plan.certificateSigningRequests).toHaveLength(3);
    const run = worker.refreshCertificatesRun({ seed: plan.seed, expirationSeconds: 30 * 24 * 3600 });
    const { client: controlPlaneClient } = await workload().forControlPlane();
    await waitForCsrs(plan.certificateSigningRequests);
    await controlPlaneClient.approveWorkerCertificates(plan.seed);
    const notAfter = await run;
    expect(notAfter.getTime()).toBe(Math.floor(nodes.get('worker-0')!.certificatesExpiry.getTime() / 1000) * 1000);
    expect(Math.abs(notAfter.getTime() - (Date.now() + 30 * 24 * 3600 * 1000))).toBeLessThan(60_000);
  });

  it('times out a call that k8sd never answers, through the tunnel', async () => {
    nodes.get('cp-1')!.injectFault(K8SD_PATHS.certificatesExpiry, { kind: 'hang' });
    const client = await workload(500).forNode('cp-1', nodeTokens.get('cp-1')!);
    const error = await failure(client.certificatesExpiry());
    expect(error).toBeInstanceOf(K8sdRequestError);
    expect((error as K8sdRequestError).kind).toBe('timeout');
    expect(error.message).toContain(`node cp-1 (port-forward kube-system/${proxyPod('cp-1')}:2380`);
  });

  it('reports the API server refusing a port-forward to a missing pod', async () => {
    const client = new K8sdClient(
      portForwardTransport({ kubeConfig, podName: 'no-such-pod', nodeName: 'cp-0', nodeAddress: '127.0.0.1', microclusterPort: 2380 }),
      { authToken },
    );
    const error = await failure(client.probe());
    expect((error as K8sdRequestError).kind).toBe('connection');
    expect(error.message).toMatch(/refused by the API server: HTTP 404: pods "no-such-pod" not found/);
  });

  it('falls back to the next control plane node when the first one\'s k8sd is down (error channel of the tunnel)', async () => {
    await nodes.get('cp-0')!.stop();
    const { client, nodeName } = await workload().forControlPlane();
    expect(nodeName).toBe('cp-1');
    client.close();
    const direct = new K8sdClient(directTransport({ address: nodes.get('cp-0')!.address, port: simulator.microclusterPort }), { authToken });
    expect((await failure(direct.probe())).message).toMatch(/ECONNREFUSED/);
    const error = await failure(
      new K8sdClient(
        portForwardTransport({ kubeConfig, podName: proxyPod('cp-0'), nodeName: 'cp-0', nodeAddress: nodes.get('cp-0')!.address, microclusterPort: simulator.microclusterPort }),
        { authToken },
      ).probe(),
    );
    expect(error.message).toMatch(/port-forward to pod kube-system\/k8sd-proxy-cp-0 port 2380 failed: error forwarding port 2380 to pod k8sd-proxy-cp-0: connect ECONNREFUSED/);
  });

  it('removes a node from the cluster through another control plane node', async () => {
    const { client, nodeName } = await workload().forControlPlane({ ignoreNodes: ['worker-0'] });
    expect(nodeName).toBe('cp-1');
    await client.removeNode('cp-0');
    expect(cluster.members().map((node) => node.name)).toEqual(['cp-1', 'worker-0']);
    const again = await failure(client.removeNode('cp-0'));
    expect(again.message).toContain('Node "cp-0" is not part of the cluster');
  });
});

async function waitForCsrs(names: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!names.every((name) => cluster.certificateSigningRequests().some((csr) => csr.name === name))) {
    if (Date.now() > deadline) throw new Error(`CSRs ${names.join(', ')} were never created`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

