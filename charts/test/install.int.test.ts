import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  type V1ClusterRole,
  type V1ResourceAttributes,
} from '@kubernetes/client-node';
import {
  type ManagedProcess,
  clusterApiModuleFolder,
  createTestNamespace,
  readManifests,
  sharedEnvironment,
  waitFor,
} from '@capi-ck8s/testenv';
import {
  type ProviderChart,
  impersonatingKubeconfig,
  installChart,
  leaderElectionId,
  providerObjectNames,
  run,
  serviceAccountUser,
  uninstallChart,
} from '../src';
import { startChartControllers } from './kube-controllers';

const environment = sharedEnvironment();
const kubeConfig = environment.kubeConfig();
const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);

let controllers: ManagedProcess;
beforeAll(async () => {
  controllers = await startChartControllers(environment.kubeconfigPath);
});
afterAll(async () => {
  await controllers.stop();
});

const uniquePrefix = (chart: ProviderChart) => `${chart === 'bootstrap-provider' ? 'tb' : 'tc'}${randomBytes(3).toString('hex')}-`;

/** One row per rule of `kubectl auth can-i --list`: resource, resource names, sorted verbs. */
async function grantedRows(user: string, namespace: string): Promise<string[]> {
  const { stdout } = await run('kubectl', [
    'auth',
    'can-i',
    '--list',
    `--as=${user}`,
    `--namespace=${namespace}`,
    `--kubeconfig=${environment.kubeconfigPath}`,
  ]);
  return stdout
    .split('\n')
    .slice(1)
    .map((line) => /^(\S*)\s+\[(.*?)\]\s+\[(.*?)\]\s+\[(.*?)\]\s*$/.exec(line))
    .filter((match) => match !== null)
    .map(([, resource, urls, names, verbs]) => `${resource || urls} [${names}] ${verbs!.split(' ').sort().join(',')}`);
}

/** What the chart grants: everything the ServiceAccount may do beyond what any authenticated identity may. */
async function chartGrants(user: string, namespace: string): Promise<string[]> {
  const baseline = new Set(await grantedRows(`system:serviceaccount:${namespace}:nobody`, namespace));
  return (await grantedRows(user, namespace)).filter((row) => !baseline.has(row)).sort();
}

async function allowed(user: string, attributes: V1ResourceAttributes): Promise<boolean> {
  const review = await kubeConfig.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user, resourceAttributes: attributes } },
  });
  return review.status?.allowed === true;
}

const all = 'create,delete,get,list,patch,update,watch';
const read = 'get,list,watch';

function expectedGrants(chart: ProviderChart, prefix: string): string[] {
  const names = providerObjectNames(prefix);
  const common = [
    `secrets [] ${all}`,
    'configmaps [] create,delete,get,list,watch',
    'events [] create,patch',
    'leases.coordination.k8s.io [] create',
    `leases.coordination.k8s.io [${leaderElectionId[chart]}] get,update`,
    'tokenreviews.authentication.k8s.io [] create',
    'subjectaccessreviews.authorization.k8s.io [] create',
    `mutatingwebhookconfigurations.admissionregistration.k8s.io [${names.mutatingWebhookConfiguration}] get,patch,update`,
    `validatingwebhookconfigurations.admissionregistration.k8s.io [${names.validatingWebhookConfiguration}] get,patch,update`,
    `machinesets.cluster.x-k8s.io [] ${read}`,
    `machinepools.cluster.x-k8s.io [] ${read}`,
  ];
  const specific =
    chart === 'bootstrap-provider'
      ? [
          'ck8sconfigs.bootstrap.cluster.x-k8s.io [] get,list,patch,update,watch',
          'ck8sconfigs.bootstrap.cluster.x-k8s.io/status [] get,patch,update',
          'ck8sconfigs.bootstrap.cluster.x-k8s.io/finalizers [] update',
          `ck8sconfigtemplates.bootstrap.cluster.x-k8s.io [] ${read}`,
          `clusters.cluster.x-k8s.io [] ${read}`,
          'machines.cluster.x-k8s.io [] get,list,patch,update,watch',
          'machinedeployments.cluster.x-k8s.io [] get,list,patch,update,watch',
        ]
      : [
          'ck8scontrolplanes.controlplane.cluster.x-k8s.io [] get,list,patch,update,watch',
          'ck8scontrolplanes.controlplane.cluster.x-k8s.io/status [] get,patch,update',
          'ck8scontrolplanes.controlplane.cluster.x-k8s.io/finalizers [] update',
          `ck8scontrolplanetemplates.controlplane.cluster.x-k8s.io [] ${read}`,
          `ck8sconfigs.bootstrap.cluster.x-k8s.io [] ${all}`,
          `machines.cluster.x-k8s.io [] ${all}`,
          'machines.cluster.x-k8s.io/status [] get,patch,update',
          'clusters.cluster.x-k8s.io [] get,list,patch,watch',
          'machinedeployments.cluster.x-k8s.io [] get,list,patch,watch',
          `machinehealthchecks.cluster.x-k8s.io [] ${read}`,
          `customresourcedefinitions.apiextensions.k8s.io [] ${read}`,
          `dockermachines.infrastructure.cluster.x-k8s.io [] ${all}`,
          'dockermachinetemplates.infrastructure.cluster.x-k8s.io [] get,list,patch,update,watch',
        ];
  return [...common, ...specific].sort();
}

async function createClusterRole(role: V1ClusterRole): Promise<() => Promise<void>> {
  await rbac.createClusterRole({ body: role });
  return async () => {
    await rbac.deleteClusterRole({ name: role.metadata!.name! });
  };
}

describe.each<ProviderChart>(['bootstrap-provider', 'controlplane-provider'])('%s chart installed with helm', (chart) => {
  const prefix = uniquePrefix(chart);
  const names = providerObjectNames(prefix);
  let namespace: string;
  let user: string;

  beforeAll(async () => {
    namespace = await createTestNamespace(kubeConfig, 'charts-install');
    // The manager pod must satisfy the "restricted" Pod Security Standard, or the ReplicaSet cannot create it.
    await run('kubectl', ['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted', `--kubeconfig=${environment.kubeconfigPath}`]);
    user = serviceAccountUser(namespace, prefix);
    await installChart(environment.kubeconfigPath, chart, {
      release: 'provider',
      namespace,
      values: {
        namePrefix: prefix,
        webhook: {
          certificateMode: 'selfManaged',
          // Nothing serves these webhooks here: keep them away from other tests' namespaces.
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
        },
        // Only the Docker kinds, so the granted set below is exact.
        infrastructure: { machineResources: ['dockermachines'], machineTemplateResources: ['dockermachinetemplates'] },
      },
    });
  });

  it('creates the manager Deployment, whose pod the apiserver admits under the restricted Pod Security Standard', async () => {
    const deployment = await kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: names.deployment, namespace });
    expect(deployment.spec?.template.spec?.containers.map((container) => container.name)).toEqual(['manager']);
    const pod = await waitFor(
      'the ReplicaSet controller to create the manager pod',
      async () => {
        const pods = await kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: 'control-plane=controller-manager' });
        return pods.items[0];
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(pod.spec?.serviceAccountName).toBe(names.serviceAccount);
    // No kubelet runs here, so the pod stays Pending; that it exists is the point.
    expect(pod.status?.phase).toBe('Pending');
  });

  it('creates the Services, the ServiceAccount and webhook configurations pointing at the webhook Service', async () => {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await expect(core.readNamespacedServiceAccount({ name: names.serviceAccount, namespace })).resolves.toBeTruthy();
    const webhookService = await core.readNamespacedService({ name: names.webhookService, namespace });
    expect(webhookService.spec?.ports?.[0]).toMatchObject({ port: 443, targetPort: 'webhook-server' });
    await expect(core.readNamespacedService({ name: names.metricsService, namespace })).resolves.toBeTruthy();
    const admission = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
    const mutating = await admission.readMutatingWebhookConfiguration({ name: names.mutatingWebhookConfiguration });
    const validating = await admission.readValidatingWebhookConfiguration({ name: names.validatingWebhookConfiguration });
    for (const webhook of [...(mutating.webhooks ?? []), ...(validating.webhooks ?? [])]) {
      expect(webhook.clientConfig.service).toMatchObject({ name: names.webhookService, namespace });
    }
  });

  it('grants the ServiceAccount exactly the permissions the provider needs, without wildcards', async () => {
    const expected = expectedGrants(chart, prefix);
    // Infrastructure access arrives through the aggregation controller.
    const granted = await waitFor(
      'the granted permissions to include the aggregated ones',
      async () => {
        const rows = await chartGrants(user, namespace);
        return expected.every((row) => rows.includes(row)) ? rows : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // Another release's infrastructure contribution may be aggregated too (the label is cluster-wide); nothing else.
    const others = granted.filter((row) => !expected.includes(row));
    expect(others.filter((row) => !row.includes('.infrastructure.cluster.x-k8s.io'))).toEqual([]);
    expect(granted.filter((row) => row.includes('*'))).toEqual([]);
  });

  it('hands out a kubeconfig that acts as the chart ServiceAccount', async () => {
    const kubeconfig = impersonatingKubeconfig(kubeConfig, user);
    const { stdout } = await run('kubectl', ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}', `--kubeconfig=${kubeconfig}`]);
    expect(stdout).toBe(user);
    const kind = chart === 'bootstrap-provider' ? 'ck8sconfigs.bootstrap.cluster.x-k8s.io' : 'ck8scontrolplanes.controlplane.cluster.x-k8s.io';
    await expect(run('kubectl', ['get', kind, '--all-namespaces', `--kubeconfig=${kubeconfig}`])).resolves.toBeTruthy();
    await expect(run('kubectl', ['get', 'nodes', `--kubeconfig=${kubeconfig}`])).rejects.toThrow('forbidden');
  });

  it('refuses what the provider must not do', async () => {
    const refused: V1ResourceAttributes[] = [
      { group: '', resource: 'nodes', verb: 'get' },
      { group: '', resource: 'pods', verb: 'list' },
      { group: '', resource: 'secrets', verb: 'deletecollection', namespace: 'default' },
      { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', verb: 'create' },
      { group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations', verb: 'patch', name: 'someone-elses' },
      { group: 'coordination.k8s.io', resource: 'leases', verb: 'update', name: 'someone-elses', namespace },
      { group: 'cluster.x-k8s.io', resource: 'clusters', verb: 'delete', namespace: 'default' },
      chart === 'bootstrap-provider'
        ? { group: 'controlplane.cluster.x-k8s.io', resource: 'ck8scontrolplanes', verb: 'get' }
        : { group: 'bootstrap.cluster.x-k8s.io', resource: 'ck8sconfigs', subresource: 'status', verb: 'patch' },
    ];
    for (const attributes of refused) expect([attributes, await allowed(user, attributes)]).toEqual([attributes, false]);
  });

  it("gives Cluster API core's aggregated manager role access to the provider's kinds", async () => {
    // CAPI's own aggregated role, as its release ships it, under a name of this test's.
    const [capiRole] = readManifests(join(clusterApiModuleFolder(), 'config', 'rbac', 'aggregated_role.yaml'));
    const roleName = `${prefix}capi-aggregated-manager-role`;
    const capiManager = `system:serviceaccount:${namespace}:capi-manager`;
    const deleteRole = await createClusterRole({ ...(capiRole as V1ClusterRole), metadata: { name: roleName } });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: roleName },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
        subjects: [{ kind: 'ServiceAccount', name: 'capi-manager', namespace }],
      },
    });
    try {
      const [group, resources] =
        chart === 'bootstrap-provider'
          ? ['bootstrap.cluster.x-k8s.io', ['ck8sconfigs', 'ck8sconfigtemplates']]
          : ['controlplane.cluster.x-k8s.io', ['ck8scontrolplanes', 'ck8scontrolplanetemplates']];
      for (const resource of resources) {
        for (const verb of all.split(',')) {
          await waitFor(`CAPI core to be allowed to ${verb} ${resource}`, async () => ((await allowed(capiManager, { group, resource, verb, namespace })) ? true : undefined), {
            timeoutMs: 30_000,
            intervalMs: 250,
          });
        }
      }
    } finally {
      await rbac.deleteClusterRoleBinding({ name: roleName });
      await deleteRole();
    }
  });

  it('takes every permission back on uninstall and leaves no cluster-scoped object behind', async () => {
    await uninstallChart(environment.kubeconfigPath, 'provider', namespace);
    expect(await chartGrants(user, namespace)).toEqual([]);
    const bindings = await rbac.listClusterRoleBinding();
    expect(bindings.items.map((binding) => binding.metadata?.name).filter((name) => name?.startsWith(prefix))).toEqual([]);
    // The clusterrole-aggregation controller applies (server-side) to an aggregating role it still has cached, which
    // re-creates it, rules only, when Helm has just deleted it: a Kubernetes race, harmless once no binding is left.
    const roles = await rbac.listClusterRole();
    const leftovers = roles.items.map((role) => role.metadata?.name).filter((name) => name?.startsWith(prefix));
    expect(leftovers.filter((name) => name !== names.infrastructureRole)).toEqual([]);
    const admission = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
    const configurations = [
      ...(await admission.listMutatingWebhookConfiguration()).items,
      ...(await admission.listValidatingWebhookConfiguration()).items,
    ];
    expect(configurations.map((configuration) => configuration.metadata?.name).filter((name) => name?.startsWith(prefix))).toEqual([]);
  });
});

describe('control plane infrastructure access', () => {
  it('extends to any infrastructure kind through a ClusterRole carrying the aggregation label', async () => {
    const prefix = uniquePrefix('controlplane-provider');
    const namespace = await createTestNamespace(kubeConfig, 'charts-infra');
    await installChart(environment.kubeconfigPath, 'controlplane-provider', {
      release: 'provider',
      namespace,
      values: {
        namePrefix: prefix,
        webhook: { certificateMode: 'selfManaged', namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } },
      },
      includeCrds: false,
    });
    const user = serviceAccountUser(namespace, prefix);
    const simulated: V1ResourceAttributes = { group: 'infrastructure.cluster.x-k8s.io', resource: `${prefix}simmachines`, verb: 'create', namespace };
    expect(await allowed(user, simulated)).toBe(false);
    const deleteRole = await createClusterRole({
      metadata: { name: `${prefix}simulated-infrastructure`, labels: { 'controlplane.cluster.x-k8s.io/aggregate-to-ck8s-manager': 'true' } },
      rules: [{ apiGroups: ['infrastructure.cluster.x-k8s.io'], resources: [`${prefix}simmachines`], verbs: ['create'] }],
    });
    try {
      await waitFor('the aggregated role to grant the new kind', async () => ((await allowed(user, simulated)) ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 250,
      });
    } finally {
      await deleteRole();
      await uninstallChart(environment.kubeconfigPath, 'provider', namespace);
    }
  });
});

