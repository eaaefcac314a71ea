import { request as httpsRequest } from 'node:https';
import { createTestNamespace, deleteTestNamespace, sharedEnvironment } from '@capi-ck8s/testenv';
import { pino } from 'pino';
import { ObjectClient } from '../client/object-client';
import { RestClient } from '../client/rest-client';
import { kindRef, type KubeObject } from '../objects';

type RbacObject = KubeObject & Record<string, unknown>;
import { Manager } from './manager';

function scrape(port: number, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      { host: '127.0.0.1', port, path: '/metrics', rejectUnauthorized: false, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('secure metrics (TokenReview + SubjectAccessReview)', () => {
  const env = sharedEnvironment();
  const kubeConfig = env.kubeConfig();
  const rest = new RestClient(kubeConfig);
  const client = new ObjectClient(rest, 'runtime-test');
  let namespace: string;
  let manager: Manager;
  const clusterRole = kindRef('rbac.authorization.k8s.io/v1', 'ClusterRole');
  const clusterRoleBinding = kindRef('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding');

  async function tokenFor(serviceAccount: string): Promise<string> {
    await client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: serviceAccount, namespace } });
    const review = await rest.request<{ status: { token: string } }>({
      method: 'POST',
      path: `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
    });
    return review.status.token;
  }

  beforeAll(async () => {
    namespace = await createTestNamespace(kubeConfig, 'runtime-metrics');
    await client.create<RbacObject>({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `${namespace}-metrics-reader` },
      rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }],
    });
    await client.create<RbacObject>({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${namespace}-metrics-reader` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${namespace}-metrics-reader` },
      subjects: [{ kind: 'ServiceAccount', name: 'scraper', namespace }],
    });
    manager = new Manager({
      name: 'secure-metrics-test',
      kubeConfig,
      logger: pino({ level: 'silent' }),
      flags: { namespace, metricsBindAddress: '127.0.0.1:0', healthProbeBindAddress: '0' },
      secureMetrics: {},
    });
    await manager.start();
  }, 60_000);

  afterAll(async () => {
    await manager?.stop();
    await client.delete(clusterRoleBinding, { name: `${namespace}-metrics-reader` });
    await client.delete(clusterRole, { name: `${namespace}-metrics-reader` });
    await deleteTestNamespace(kubeConfig, namespace);
    await rest.close();
  });

  it('answers 401 without a valid token, 403 without permission, and metrics to an authorised service account', async () => {
    const [port] = manager.endpointPorts();
    const [scraperToken, strangerToken] = await Promise.all([tokenFor('scraper'), tokenFor('stranger')]);
    expect((await scrape(port!)).status).toBe(401);
    expect((await scrape(port!, 'not-a-token')).status).toBe(401);
    expect((await scrape(port!, strangerToken)).status).toBe(403);
    const allowed = await scrape(port!, scraperToken);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('process_resident_memory_bytes');
  });
});
