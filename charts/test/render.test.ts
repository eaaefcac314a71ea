import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifests } from '@capi-ck8s/testenv';
import {
  type ChartValues,
  type ProviderChart,
  chartFolder,
  defaultNamePrefix,
  leaderElectionId,
  lintChart,
  providerCharts,
  providerLabel,
  providerObjectNames,
  renderChart,
  run,
} from '../src';
import {
  annotationsOf,
  deploymentOf,
  labelsOf,
  ofKind,
  rulesOf,
  ruleStrings,
  single,
  webhooksOf,
} from './manifests';

const namespace = 'provider-system';
const selfManaged: ChartValues = { webhook: { certificateMode: 'selfManaged' } };
const render = (chart: ProviderChart, values?: ChartValues) => renderChart(chart, { release: 'test', namespace, values });

const certDir = '/tmp/k8s-webhook-server/serving-certs';

const valueSets: Record<string, ChartValues> = {
  'default values (cert-manager)': {},
  'self-managed certificates': selfManaged,
  'cert-manager with a ClusterIssuer and a ServiceMonitor': {
    webhook: { certManager: { issuerRef: { kind: 'ClusterIssuer', name: 'company-ca' } } },
    metrics: { serviceMonitor: { enabled: true } },
  },
  'insecure metrics, no leader election, two replicas': {
    metrics: { secure: false },
    leaderElection: { enabled: false },
    replicas: 2,
  },
  'metrics off, watch filter and namespace, extra args': {
    metrics: { enabled: false },
    watchNamespace: 'team-a',
    watchFilter: 'shard-1',
    extraArgs: ['--sync-period=10m'],
  },
};

describe.each(providerCharts)('%s chart', (chart) => {
  const names = providerObjectNames(defaultNamePrefix[chart]);

  it.each(Object.entries(valueSets))('passes helm lint --strict with %s', async (_title, values) => {
    await expect(lintChart(chart, values)).resolves.toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it.each([
    [{ webhook: { certificateMode: 'manual' } }, "at '/webhook/certificateMode': value must be one of 'cert-manager', 'selfManaged'"],
    [{ logLevel: 'verbose' }, "at '/logLevel'"],
    [{ replicass: 2 }, "additional properties 'replicass' not allowed"],
    [{ extraArgs: ['sync-period=10m'] }, "at '/extraArgs/0'"],
    [{ namePrefix: 'Team_' }, "at '/namePrefix'"],
    [{ webhook: { certManager: { issuerRef: { kind: 'ClusterIssuer' } } } }, "at '/webhook/certManager/issuerRef'"],
  ])('rejects bad values %j naming the field and the rule', async (values, message) => {
    await expect(render(chart, values)).rejects.toThrow(message);
  });

  it('packages into a self-contained archive that renders like the chart folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'capi-ck8s-chart-package-'));
    await run('helm', ['package', chartFolder(chart), '--destination', folder]);
    const [archive] = readdirSync(folder);
    const { stdout: packaged } = await run('helm', ['template', 'test', join(folder, archive!), '--namespace', namespace, '--include-crds']);
    const { stdout: unpacked } = await run('helm', ['template', 'test', chartFolder(chart), '--namespace', namespace, '--include-crds']);
    expect(packaged).toBe(unpacked);
  });

  it('names its objects like the upstream kustomize output', async () => {
    const { manifests } = await render(chart);
    const rendered = manifests.map((manifest) => `${manifest.kind}/${manifest.metadata.name}`);
    expect(rendered).toEqual(
      expect.arrayContaining([
        `Deployment/${names.deployment}`,
        `ServiceAccount/${names.serviceAccount}`,
        `ClusterRole/${names.managerRole}`,
        `ClusterRoleBinding/${names.managerRoleBinding}`,
        `ClusterRole/${names.capiAggregatedRole}`,
        `Role/${names.leaderElectionRole}`,
        `RoleBinding/${names.leaderElectionRoleBinding}`,
        `Service/${names.webhookService}`,
        `Service/${names.metricsService}`,
        `Certificate/${names.certificate}`,
        `Issuer/${names.issuer}`,
        `MutatingWebhookConfiguration/${names.mutatingWebhookConfiguration}`,
        `ValidatingWebhookConfiguration/${names.validatingWebhookConfiguration}`,
      ]),
    );
    for (const manifest of manifests) {
      expect(labelsOf(manifest)['cluster.x-k8s.io/provider']).toBe(providerLabel[chart]);
      if (!['ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].includes(manifest.kind)) {
        expect(manifest.metadata.namespace).toBe(namespace);
      }
    }
  });

  describe('the manager Deployment', () => {
    it('runs one container named manager with the bundled app and the flags of the contract', async () => {
      const { manifests } = await render(chart, { image: { repository: 'registry.example/provider', tag: 'v9.9.9' } });
      const pod = deploymentOf(manifests).spec.template.spec;
      expect(pod.containers.map((container) => container.name)).toEqual(['manager']);
      const manager = pod.containers[0]!;
      expect(manager.image).toBe('registry.example/provider:v9.9.9');
      expect(manager.command).toEqual(['node', '/app/main.js']);
      expect(manager.args).toEqual([
        '--leader-elect',
        `--leader-election-id=${leaderElectionId[chart]}`,
        '--metrics-bind-address=:8443',
        '--health-probe-bind-address=:9440',
        '--webhook-port=9443',
        `--webhook-cert-dir=${certDir}`,
        '--webhook-cert-mode=cert-manager',
        '--log-level=info',
      ]);
      expect(pod.serviceAccountName).toBe(names.serviceAccount);
    });

    it('tells the self-managed mode which Secret, Service and webhook configurations are its own', async () => {
      const { manifests } = await render(chart, selfManaged);
      expect(deploymentOf(manifests).spec.template.spec.containers[0]!.args).toEqual(
        expect.arrayContaining([
          '--webhook-cert-mode=self-managed',
          `--webhook-cert-secret=${names.webhookSecret}`,
          `--webhook-service=${names.webhookService}`,
          `--mutating-webhook-configuration=${names.mutatingWebhookConfiguration}`,
          `--validating-webhook-configuration=${names.validatingWebhookConfiguration}`,
        ]),
      );
    });

    it.each([
      [{ metrics: { secure: false } }, ['--metrics-bind-address=:8443', '--metrics-insecure']],
      [{ metrics: { enabled: false } }, ['--metrics-bind-address=0']],
      [{ watchNamespace: 'team-a', watchFilter: 'shard-1' }, ['--namespace=team-a', '--watch-filter=shard-1']],
      [{ logLevel: 'debug', extraArgs: ['--sync-period=10m'] }, ['--log-level=debug', '--sync-period=10m']],
      [{ health: { port: 19440 }, webhook: { port: 19443 } }, ['--health-probe-bind-address=:19440', '--webhook-port=19443']],
    ])('turns values %j into the flags %j', async (values, flags) => {
      const { manifests } = await render(chart, values);
      expect(deploymentOf(manifests).spec.template.spec.containers[0]!.args).toEqual(expect.arrayContaining(flags));
    });

    it('leaves out leader election flags and the Role when leader election is off', async () => {
      const { manifests } = await render(chart, { leaderElection: { enabled: false } });
      expect(deploymentOf(manifests).spec.template.spec.containers[0]!.args.join(' ')).not.toContain('--leader-elect');
      expect(ofKind(manifests, 'Role')).toEqual([]);
    });

    it('probes /healthz and /readyz on the health port and passes the pod identity as environment', async () => {
      const { manifests } = await render(chart);
      const manager = deploymentOf(manifests).spec.template.spec.containers[0]!;
      expect(manager.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'healthz' });
      expect(manager.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'healthz' });
      expect(Object.fromEntries(manager.ports.map((port) => [port.name, port.containerPort]))).toEqual({
        'webhook-server': 9443,
        healthz: 9440,
        metrics: 8443,
      });
      expect(manager.env.map((variable) => [variable.name, variable.valueFrom?.fieldRef?.fieldPath])).toEqual([
        ['POD_NAMESPACE', 'metadata.namespace'],
        ['POD_NAME', 'metadata.name'],
        ['POD_UID', 'metadata.uid'],
      ]);
    });

    it('runs non-root on a read-only root filesystem with no capabilities and the runtime seccomp profile', async () => {
      const { manifests } = await render(chart);
      const pod = deploymentOf(manifests).spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.containers[0]!.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
    });

    it.each([
      ['cert-manager', {}, [{ name: 'tmp', mountPath: '/tmp' }, { name: 'webhook-certificates', mountPath: certDir, readOnly: true }]],
      ['selfManaged', selfManaged, [{ name: 'tmp', mountPath: '/tmp' }]],
    ])('in %s mode mounts the serving certificate Secret only when cert-manager issues it', async (_mode, values, mounts) => {
      const { manifests } = await render(chart, values);
      const pod = deploymentOf(manifests).spec.template.spec;
      expect(pod.containers[0]!.volumeMounts).toEqual(mounts);
      const secretVolumes = pod.volumes.filter((volume) => volume.secret).map((volume) => volume.secret!.secretName);
      expect(secretVolumes).toEqual(mounts.length > 1 ? [names.webhookSecret] : []);
    });

    it('places pods where the values say and annotates them', async () => {
      const { manifests } = await render(chart, {
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'dedicated', operator: 'Exists' }],
        affinity: { nodeAffinity: {} },
        podAnnotations: { 'example.com/team': 'platform' },
        resources: { limits: { memory: '1Gi' } },
      });
      const template = single(manifests, 'Deployment')['spec'] as { template: { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> } };
      expect(template.template.spec['nodeSelector']).toEqual({ 'kubernetes.io/os': 'linux' });
      expect(template.template.spec['tolerations']).toEqual([{ key: 'dedicated', operator: 'Exists' }]);
      expect(template.template.spec['affinity']).toEqual({ nodeAffinity: {} });
      expect(template.template.metadata.annotations).toMatchObject({ 'example.com/team': 'platform' });
    });

    it('is selected by both Services through the pod labels', async () => {
      const { manifests } = await render(chart);
      const podLabels = deploymentOf(manifests).spec.template.metadata.labels;
      for (const service of ofKind(manifests, 'Service')) {
        expect(podLabels).toMatchObject((service['spec'] as { selector: Record<string, string> }).selector);
      }
    });
  });

  describe('webhooks', () => {
    it('serve the kubebuilder paths with the admission settings of the contract', async () => {
      const { manifests } = await render(chart);
      const kinds = chart === 'bootstrap-provider' ? ['ck8sconfig', 'ck8sconfigtemplate'] : ['ck8scontrolplane', 'ck8scontrolplanetemplate'];
      const group = chart === 'bootstrap-provider' ? 'bootstrap-cluster-x-k8s-io' : 'controlplane-cluster-x-k8s-io';
      const paths = (kind: string) => [...webhooksOf(manifests, kind)].map((webhook) => webhook.clientConfig.service.path);
      expect(paths('MutatingWebhookConfiguration')).toEqual(kinds.map((kind) => `/mutate-${group}-v1beta2-${kind}`));
      const validating = kinds.map((kind) => `/validate-${group}-v1beta2-${kind}`);
      if (chart === 'controlplane-provider') validating.splice(1, 0, `/validate-scale-${group}-v1beta2-ck8scontrolplane`);
      expect(paths('ValidatingWebhookConfiguration')).toEqual(validating);
      for (const webhook of [...webhooksOf(manifests, 'MutatingWebhookConfiguration'), ...webhooksOf(manifests, 'ValidatingWebhookConfiguration')]) {
        expect(webhook).toMatchObject({
          admissionReviewVersions: ['v1'],
          failurePolicy: 'Fail',
          matchPolicy: 'Equivalent',
          sideEffects: 'None',
          clientConfig: { service: { name: names.webhookService, namespace } },
        });
        expect(webhook.rules[0]!.apiVersions).toEqual(['v1beta2']);
      }
    });

    it('scope themselves with the selectors from the values', async () => {
      const selector = { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } };
      const { manifests } = await render(chart, { webhook: { namespaceSelector: selector } });
      for (const webhook of webhooksOf(manifests, 'ValidatingWebhookConfiguration')) expect(webhook.namespaceSelector).toEqual(selector);
    });

    it('in cert-manager mode get their CA injected from the serving Certificate whose Secret the manager mounts', async () => {
      const { manifests } = await render(chart);
      const certificate = single(manifests, 'Certificate');
      const spec = certificate['spec'] as { dnsNames: string[]; secretName: string; issuerRef: unknown };
      expect(spec.secretName).toBe(names.webhookSecret);
      expect(spec.dnsNames).toEqual([`${names.webhookService}.${namespace}.svc`, `${names.webhookService}.${namespace}.svc.cluster.local`]);
      expect(spec.issuerRef).toEqual({ kind: 'Issuer', name: names.issuer });
      expect(single(manifests, 'Issuer')['spec']).toEqual({ selfSigned: {} });
      for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
        expect(annotationsOf(single(manifests, kind))).toEqual({ 'cert-manager.io/inject-ca-from': `${namespace}/${names.certificate}` });
      }
    });

    it('in cert-manager mode use a given issuer instead of creating one', async () => {
      const issuerRef = { kind: 'ClusterIssuer', name: 'company-ca' };
      const { manifests } = await render(chart, { webhook: { certManager: { issuerRef } } });
      expect(ofKind(manifests, 'Issuer')).toEqual([]);
      expect((single(manifests, 'Certificate')['spec'] as { issuerRef: unknown }).issuerRef).toEqual(issuerRef);
    });

    it('in self-managed mode carry no cert-manager object or annotation', async () => {
      const { manifests } = await render(chart, selfManaged);
      expect(manifests.filter((manifest) => manifest.apiVersion.startsWith('cert-manager.io/'))).toEqual([]);
      for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
        expect(annotationsOf(single(manifests, kind))).toEqual({});
      }
    });
  });

  describe('RBAC', () => {
    it.each(Object.entries(valueSets))('grants no wildcard with %s', async (_title, values) => {
      const { manifests } = await render(chart, values);
      expect(ruleStrings(manifests).filter((value) => value.includes('*'))).toEqual([]);
    });

    it('lets the self-managed mode patch only its own webhook configurations', async () => {
      const { manifests } = await render(chart, selfManaged);
      const webhookRules = rulesOf(single(manifests, 'ClusterRole', names.managerRole)).filter((rule) =>
        rule.apiGroups?.includes('admissionregistration.k8s.io'),
      );
      expect(webhookRules).toEqual([
        { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], resourceNames: [names.mutatingWebhookConfiguration], verbs: ['get', 'patch', 'update'] },
        { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], resourceNames: [names.validatingWebhookConfiguration], verbs: ['get', 'patch', 'update'] },
      ]);
      const certManagerRules = rulesOf(single((await render(chart)).manifests, 'ClusterRole', names.managerRole));
      expect(certManagerRules.filter((rule) => rule.apiGroups?.includes('admissionregistration.k8s.io'))).toEqual([]);
    });

    it('limits leader election to its own Lease, except create', async () => {
      const { manifests } = await render(chart);
      expect(rulesOf(single(manifests, 'Role', names.leaderElectionRole))).toEqual([
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [leaderElectionId[chart]], verbs: ['get', 'update'] },
      ]);
    });

    it("aggregates access to the provider's own kinds into Cluster API core's manager role", async () => {
      const { manifests } = await render(chart);
      const role = single(manifests, 'ClusterRole', names.capiAggregatedRole);
      expect(labelsOf(role)['cluster.x-k8s.io/aggregate-to-manager']).toBe('true');
      const group = chart === 'bootstrap-provider' ? 'bootstrap.cluster.x-k8s.io' : 'controlplane.cluster.x-k8s.io';
      expect(rulesOf(role).flatMap((rule) => rule.apiGroups)).toEqual([group]);
    });

    it('asks for token and access reviews only to authorise secure metrics scrapes', async () => {
      const groupsOf = async (values: ChartValues) =>
        rulesOf(single((await render(chart, values)).manifests, 'ClusterRole', names.managerRole)).flatMap((rule) => rule.apiGroups);
      expect(await groupsOf({})).toEqual(expect.arrayContaining(['authentication.k8s.io', 'authorization.k8s.io']));
      expect(await groupsOf({ metrics: { secure: false } })).not.toEqual(expect.arrayContaining(['authentication.k8s.io']));
    });
  });

  it('renders a ServiceMonitor only when asked, scraping the metrics Service over HTTPS', async () => {
    expect(ofKind((await render(chart)).manifests, 'ServiceMonitor')).toEqual([]);
    const { manifests } = await render(chart, { metrics: { serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } } });
    const monitor = single(manifests, 'ServiceMonitor');
    expect(labelsOf(monitor)['release']).toBe('prometheus');
    expect((monitor['spec'] as { endpoints: unknown[] }).endpoints).toEqual([
      expect.objectContaining({ port: 'metrics', path: '/metrics', scheme: 'https' }),
    ]);
  });

  it('ships CRDs that serve a single version, so no conversion webhook is wired', () => {
    const crds = readManifests(join(chartFolder(chart), 'crds'));
    expect(crds.length).toBe(2);
    for (const crd of crds) {
      const spec = crd['spec'] as { versions: { name: string; served: boolean }[]; conversion?: unknown };
      // A second served version needs spec.conversion pointing at /convert; see charts/README.md before adding one.
      expect(spec.versions.filter((version) => version.served).map((version) => version.name)).toEqual(['v1beta2']);
      expect(spec.conversion).toBeUndefined();
    }
  });
});

it('gives the control plane access to the infrastructure machine kinds listed in the values, through aggregation', async () => {
  const names = providerObjectNames(defaultNamePrefix['controlplane-provider']);
  const { manifests } = await renderChart('controlplane-provider', {
    release: 'test',
    namespace,
    values: { infrastructure: { machineResources: ['simmachines'], machineTemplateResources: ['simmachinetemplates'] } },
  });
  const aggregated = single(manifests, 'ClusterRole', names.infrastructureRole);
  expect(aggregated['aggregationRule']).toEqual({
    clusterRoleSelectors: [{ matchLabels: { 'controlplane.cluster.x-k8s.io/aggregate-to-ck8s-manager': 'true' } }],
  });
  const contribution = single(manifests, 'ClusterRole', names.infrastructureMachinesRole);
  expect(labelsOf(contribution)['controlplane.cluster.x-k8s.io/aggregate-to-ck8s-manager']).toBe('true');
  expect(rulesOf(contribution)).toEqual([
    { apiGroups: ['infrastructure.cluster.x-k8s.io'], resources: ['simmachines'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
    { apiGroups: ['infrastructure.cluster.x-k8s.io'], resources: ['simmachinetemplates'], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
  ]);
  const binding = single(manifests, 'ClusterRoleBinding', `${defaultNamePrefix['controlplane-provider']}infrastructure-rolebinding`);
  expect(binding['roleRef']).toMatchObject({ kind: 'ClusterRole', name: names.infrastructureRole });
});

it('keeps the two charts’ values files in step: same keys, except the control plane’s infrastructure list', () => {
  const keyPaths = (chart: ProviderChart) =>
    readFileSync(join(chartFolder(chart), 'values.yaml'), 'utf8')
      .split('\n')
      .filter((line) => /^\s*[a-zA-Z][\w-]*:/.test(line))
      .map((line) => line.trim().split(':')[0]!);
  const controlPlaneOnly = ['infrastructure', 'machineResources', 'machineTemplateResources'];
  expect(keyPaths('controlplane-provider').filter((key) => !controlPlaneOnly.includes(key))).toEqual(keyPaths('bootstrap-provider'));
});

it('builds both charts from the same template files, which delegate to provider-common', () => {
  expect(readdirSync(join(chartFolder('bootstrap-provider'), 'templates')).sort()).toEqual(
    readdirSync(join(chartFolder('controlplane-provider'), 'templates')).sort(),
  );
});
