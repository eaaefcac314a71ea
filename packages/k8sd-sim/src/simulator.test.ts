// Behaviour of the k8sd SIMULATOR itself (membership, join tokens, CSRs, snap changes, faults), exercised through the
// real client so the two stay in step.
import { randomBytes } from 'node:crypto';
import { directTransport, K8sdClient, K8SD_PATHS } from '@capi-ck8s/k8sd';
import { ManualClock } from './clock';
import type { SimulatedCluster, SimulatedNode } from './cluster';
import { K8sdSimulator } from './server';
import { k8sdFailure as failure } from '../jest/failures';

let simulator: K8sdSimulator;
let clock: ManualClock;
const clients: K8sdClient[] = [];

beforeEach(async () => {
  clock = new ManualClock();
  simulator = await K8sdSimulator.start({ clock, snapRefreshDurationMs: 10_000 });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await simulator.stop();
});

const token = () => randomBytes(16).toString('hex');

function clientFor(node: SimulatedNode, credentials: { authToken?: string; nodeToken?: string }, timeoutMs?: number): K8sdClient {
  const client = new K8sdClient(
    directTransport({ address: node.address, port: simulator.microclusterPort, nodeName: node.name }),
    credentials,
    timeoutMs === undefined ? {} : { timeoutMs },
  );
  clients.push(client);
  return client;
}


async function newCluster(name = 'demo'): Promise<{ cluster: SimulatedCluster; cp: SimulatedNode; authToken: string; nodeToken: string }> {
  const authToken = token();
  const nodeToken = token();
  const cluster = simulator.createCluster(name, { authToken });
  const cp = await cluster.bootstrap({ name: `${name}-cp-0`, nodeToken });
  return { cluster, cp, authToken, nodeToken };
}

describe('membership and join tokens', () => {
  it('joins nodes with single-use tokens bound to a role and a name', async () => {
    const { cluster, cp, authToken } = await newCluster();
    const client = clientFor(cp, { authToken });
    const cpToken = await client.generateJoinToken({ name: 'demo-cp-1', worker: false });
    const workerToken = await client.generateJoinToken({ name: '', worker: true });

    await expect(cluster.join({ name: 'somebody-else', token: cpToken })).rejects.toThrow('join token was issued for "demo-cp-1", not "somebody-else"');
    expect((await cluster.join({ name: 'demo-cp-1', token: cpToken })).role).toBe('control-plane');
    await expect(cluster.join({ name: 'demo-cp-1b', token: cpToken })).rejects.toThrow('unknown or already used');
    expect((await cluster.join({ name: 'any-hostname', token: workerToken })).role).toBe('worker');
    expect(cluster.members().map((node) => `${node.name}/${node.role}`)).toEqual(['demo-cp-0/control-plane', 'demo-cp-1/control-plane', 'any-hostname/worker']);
  });

  it('expires join tokens after their TTL (24 h by default, or the requested nanoseconds)', async () => {
    const { cluster, cp, authToken } = await newCluster();
    const client = clientFor(cp, { authToken });
    const shortLived = await client.generateJoinToken({ name: 'short', worker: true, ttl: 60 * 1e9 });
    const defaultLived = await client.generateJoinToken({ name: 'long', worker: true });
    clock.advance(61_000);
    await expect(cluster.join({ name: 'short', token: shortLived })).rejects.toThrow('expired');
    clock.advance(23 * 3600 * 1000);
    await expect(cluster.join({ name: 'long', token: defaultLived })).resolves.toMatchObject({ name: 'long' });
  });

  it('refuses a token for a name already in the cluster, and an invalid hostname', async () => {
    const { cp, authToken } = await newCluster();
    const client = clientFor(cp, { authToken });
    expect((await failure(client.generateJoinToken({ name: 'demo-cp-0', worker: false }))).message).toContain(
      'A node with the same name "demo-cp-0" is already part of the cluster',
    );
    expect((await failure(client.generateJoinToken({ name: 'Not_A_Host', worker: false }))).statusCode).toBe(400);
  });

  it('answers cluster-wide calls only on control plane nodes, and nothing once a node is removed', async () => {
    const { cluster, cp, authToken } = await newCluster();
    const worker = await cluster.join({ name: 'w', token: cluster.generateJoinToken({ name: 'w', worker: true, ttl: 0 }), nodeToken: 'nt' });
    expect((await failure(clientFor(worker, { authToken }).generateJoinToken({ name: 'x', worker: true }))).statusCode).toBe(403);
    await clientFor(cp, { authToken }).removeNode('w');
    expect(worker.member).toBe(false);
    const removed = await failure(clientFor(worker, { nodeToken: 'nt' }).certificatesExpiry());
    expect({ statusCode: removed.statusCode, message: removed.message }).toEqual({
      statusCode: 503,
      message: expect.stringContaining('Daemon not yet initialized') as string,
    });
  });

  it('hosts several clusters in one process, each node on its own address, and logs who answered', async () => {
    const first = await newCluster('one');
    const second = await newCluster('two');
    expect(first.cp.address).not.toBe(second.cp.address);
    await expect(clientFor(second.cp, { authToken: first.authToken }).probe()).resolves.toBeUndefined();
    expect((await failure(clientFor(second.cp, { authToken: first.authToken }).generateJoinToken({ name: 'n', worker: true }))).statusCode).toBe(401);
    expect(simulator.requests.at(-1)).toEqual({
      cluster: 'two',
      node: 'two-cp-0',
      method: 'POST',
      path: K8SD_PATHS.generateJoinToken,
      host: `${second.cp.address}:${simulator.microclusterPort}`,
      body: '{"name":"n","worker":true}',
      statusCode: 401,
    });
  });
});

describe('snap refresh', () => {
  it('progresses Do, Doing, Done on the simulated clock and moves the node to the target', async () => {
    const { cp, nodeToken } = await newCluster();
    const client = clientFor(cp, { nodeToken });
    const changeId = await client.snapRefresh({ channel: '1.34-classic/stable' });
    expect(await client.snapRefreshStatus(changeId)).toEqual({ status: 'Do', completed: false, errorMessage: '' });
    clock.advance(5_000);
    expect(await client.snapRefreshStatus(changeId)).toEqual({ status: 'Doing', completed: false, errorMessage: '' });
    clock.advance(5_000);
    expect(await client.snapRefreshStatus(changeId)).toEqual({ status: 'Done', completed: true, errorMessage: '' });
    expect(cp.snap).toEqual({ channel: '1.34-classic/stable', revision: '', localPath: '' });
  });

  it('ends in Error with the injected message, leaving the snap where it was', async () => {
    const { cp, nodeToken } = await newCluster();
    cp.failNextSnapRefresh('cannot refresh "k8s": store unreachable');
    const client = clientFor(cp, { nodeToken });
    const changeId = await client.snapRefresh({ revision: '1234' });
    clock.advance(10_000);
    expect(await client.snapRefreshStatus(changeId)).toEqual({ status: 'Error', completed: true, errorMessage: 'cannot refresh "k8s": store unreachable' });
    expect(cp.snap.revision).toBe('');
  });

  it('refuses a refresh without exactly one target', async () => {
    const { cp, nodeToken } = await newCluster();
    const error = await failure(clientFor(cp, { nodeToken }).snapRefresh({ channel: 'a', revision: '1' }));
    expect(error.message).toContain('exactly one of channel, revision or localPath must be set');
  });
});

describe('certificates', () => {
  it('refreshes a control plane node at once: expiry-date and the Unix time in expiration-seconds agree', async () => {
    const { cp, nodeToken } = await newCluster();
    const client = clientFor(cp, { nodeToken });
    expect(await client.certificatesExpiry()).toEqual(new Date(clock.now().getTime() + 365 * 24 * 3600 * 1000));
    const plan = await client.refreshCertificatesPlan();
    const notAfter = await client.refreshCertificatesRun({ seed: plan.seed, expirationSeconds: 3600, extraSans: ['lb.example.com'] });
    expect(notAfter).toEqual(new Date(clock.now().getTime() + 3600 * 1000));
    expect(await client.certificatesExpiry()).toEqual(notAfter);
    expect(cp.lastExtraSans).toEqual(['lb.example.com']);
  });

  it('makes a worker wait for approval of its three CSRs, which can be approved only once', async () => {
    const { cluster, cp, authToken } = await newCluster();
    const worker = await cluster.join({ name: 'w', token: cluster.generateJoinToken({ name: 'w', worker: true, ttl: 0 }), nodeToken: 'nt' });
    const workerClient = clientFor(worker, { nodeToken: 'nt' });
    const approver = clientFor(cp, { authToken });
    const plan = await workerClient.refreshCertificatesPlan();
    expect(plan.certificateSigningRequests).toEqual([
      `k8sd-${plan.seed}-worker-kubelet-serving`,
      `k8sd-${plan.seed}-worker-kubelet-client`,
      `k8sd-${plan.seed}-worker-kube-proxy-client`,
    ]);
    expect((await failure(approver.approveWorkerCertificates(plan.seed))).message).toContain('not found');
    let finished = false;
    const run = workerClient.refreshCertificatesRun({ seed: plan.seed, expirationSeconds: 7200 }).finally(() => (finished = true));
    while (cluster.certificateSigningRequests().length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(finished).toBe(false);
    await approver.approveWorkerCertificates(plan.seed);
    await expect(run).resolves.toEqual(new Date(clock.now().getTime() + 7200 * 1000));
    expect((await failure(approver.approveWorkerCertificates(plan.seed))).message).toContain('already approved');
  });

  it('cancels a waiting worker refresh when the client gives up', async () => {
    const { cluster } = await newCluster();
    const worker = await cluster.join({ name: 'w', token: cluster.generateJoinToken({ name: 'w', worker: true, ttl: 0 }), nodeToken: 'nt' });
    const client = clientFor(worker, { nodeToken: 'nt' }, 200);
    expect((await failure(client.refreshCertificatesRun({ seed: 7, expirationSeconds: 60 }))).kind).toBe('timeout');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(simulator.requests.at(-1)).toMatchObject({ path: K8SD_PATHS.refreshCertificatesRun, statusCode: 500 });
  });
});

describe('request bodies', () => {
  it('are the exact JSON upstream sends for every endpoint', async () => {
    const { cluster, cp, authToken, nodeToken } = await newCluster();
    const worker = await cluster.join({ name: 'w', token: cluster.generateJoinToken({ name: 'w', worker: true, ttl: 0 }), nodeToken: 'nt' });
    const client = clientFor(cp, { authToken, nodeToken });
    await client.probe();
    await client.generateJoinToken({ name: 'cp-1', worker: false });
    await client.generateJoinToken({ name: '', worker: true });
    await client.certificatesExpiry();
    const { seed } = await client.refreshCertificatesPlan();
    await client.refreshCertificatesRun({ seed, expirationSeconds: 3600, extraSans: ['10.0.0.10'] });
    const changeId = await client.snapRefresh({ channel: '1.34-classic/stable' });
    await client.snapRefreshStatus(changeId);
    await client.removeNode('w');
    const workerSeed = 77;
    await failure(client.approveWorkerCertificates(workerSeed));
    expect(worker.member).toBe(false);
    expect(simulator.requests.map((request) => `${request.method} ${request.path} ${request.body}`)).toEqual([
      `GET / `,
      `POST ${K8SD_PATHS.generateJoinToken} {"name":"cp-1","worker":false}`,
      `POST ${K8SD_PATHS.generateJoinToken} {"name":"","worker":true}`,
      `POST ${K8SD_PATHS.certificatesExpiry} {}`,
      `POST ${K8SD_PATHS.refreshCertificatesPlan} {"certificates":null}`,
      `POST ${K8SD_PATHS.refreshCertificatesRun} {"seed":${seed},"expiration-seconds":3600,"extra-sans":["10.0.0.10"]}`,
      `POST ${K8SD_PATHS.snapRefresh} {"channel":"1.34-classic/stable","revision":"","localPath":""}`,
      `POST ${K8SD_PATHS.snapRefreshStatus} {"changeId":"${changeId}"}`,
      `POST ${K8SD_PATHS.removeNode} {"name":"w","force":true,"timeout":0}`,
      `POST ${K8SD_PATHS.refreshCertificatesApprove} {"seed":77}`,
    ]);
  });
});

describe('client failure kinds against the simulator', () => {
  it.each([
    ['an HTTP error envelope', { kind: 'error', statusCode: 500, message: 'boom' } as const, 'http', 'HTTP 500: boom'],
    ['an error inside a 200 envelope', { kind: 'error', statusCode: 200, message: 'partial failure' } as const, 'envelope', 'partial failure'],
  ])('reports %s', async (_case, fault, kind, message) => {
    const { cp, nodeToken } = await newCluster();
    cp.injectFault(K8SD_PATHS.certificatesExpiry, fault);
    const error = await failure(clientFor(cp, { nodeToken }).certificatesExpiry());
    expect(error.kind).toBe(kind);
    expect(error.message).toBe(`k8sd ${K8SD_PATHS.certificatesExpiry} via node demo-cp-0 (direct https://${cp.address}:${simulator.microclusterPort}): ${message}`);
  });

  it('delays answers: a client with a shorter timeout gives up, one with a longer timeout gets the answer', async () => {
    const { cp, nodeToken } = await newCluster();
    cp.injectFault(K8SD_PATHS.certificatesExpiry, { kind: 'delay', milliseconds: 300 }, 2);
    expect((await failure(clientFor(cp, { nodeToken }, 50).certificatesExpiry())).kind).toBe('timeout');
    await expect(clientFor(cp, { nodeToken }, 5_000).certificatesExpiry()).resolves.toBeInstanceOf(Date);
  });

  it.each([
    ['a 200 answer that is not JSON', 200, '<html>oops</html>', 'protocol', 'HTTP 200 with a body that is not JSON: "<html>oops</html>"'],
    ['a 502 answer that is not JSON', 502, 'Bad Gateway', 'http', 'HTTP 502 with a body that is not JSON: "Bad Gateway"'],
    ['an endless answer', 200, 'x'.repeat(2 * 1024 * 1024), 'connection', 'response larger than 1048576 bytes'],
  ] as const)('reports %s', async (_case, statusCode, body, kind, message) => {
    const { cp, nodeToken } = await newCluster();
    cp.injectFault(K8SD_PATHS.certificatesExpiry, { kind: 'raw', statusCode, body });
    const error = await failure(clientFor(cp, { nodeToken }).certificatesExpiry());
    expect(error.kind).toBe(kind);
    expect(error.message).toContain(message);
  });

  it('times out a call nobody answers', async () => {
    const { cp, nodeToken } = await newCluster();
    cp.injectFault(K8SD_PATHS.snapRefreshStatus, { kind: 'hang' });
    const error = await failure(clientFor(cp, { nodeToken }, 150).snapRefreshStatus('1'));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('no answer within 150 ms');
  });

  it('stops a call when the caller aborts, and never starts one already aborted', async () => {
    const { cp, nodeToken } = await newCluster();
    cp.injectFault(K8SD_PATHS.certificatesExpiry, { kind: 'hang' });
    const client = clientFor(cp, { nodeToken });
    const controller = new AbortController();
    const pending = failure(client.certificatesExpiry({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect((await pending).kind).toBe('aborted');
    expect((await failure(client.certificatesExpiry({ signal: AbortSignal.abort() }))).kind).toBe('aborted');
  });

  it('reports connection refused while the node is down, and answers again once it is back', async () => {
    const { cp, nodeToken } = await newCluster();
    const client = clientFor(cp, { nodeToken });
    const expiry = await client.certificatesExpiry();
    await cp.stop();
    const error = await failure(client.certificatesExpiry());
    expect(error.kind).toBe('connection');
    expect(error.message).toContain('ECONNREFUSED');
    await cp.start();
    await expect(client.certificatesExpiry()).resolves.toEqual(expiry);
  });

  it('needs the right credential for each call before sending anything', async () => {
    const { cp, nodeToken } = await newCluster();
    const error = await failure(clientFor(cp, { nodeToken }).generateJoinToken({ name: 'n', worker: true }));
    expect(error.kind).toBe('protocol');
    expect(error.message).toContain('needs the cluster auth token (authToken)');
    expect(simulator.requests).toEqual([]);
  });

  it('runs many concurrent calls on many nodes', async () => {
    const { cluster, cp, authToken } = await newCluster();
    const workers = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        cluster.join({ name: `w${index}`, token: cluster.generateJoinToken({ name: `w${index}`, worker: true, ttl: 0 }), nodeToken: `nt${index}` }),
      ),
    );
    const results = await Promise.all([
      ...workers.map((worker, index) => clientFor(worker, { nodeToken: `nt${index}` }).certificatesExpiry()),
      ...Array.from({ length: 20 }, (_, index) => clientFor(cp, { authToken }).generateJoinToken({ name: `cp-${index + 10}`, worker: false })),
    ]);
    expect(results).toHaveLength(28);
    expect(new Set(simulator.requests.map((request) => request.node)).size).toBe(9);
  });
});
