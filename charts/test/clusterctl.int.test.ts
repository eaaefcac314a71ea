import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestNamespace, installCrds, readManifests, sharedEnvironment } from '@capi-ck8s/testenv';
import {
  type ProviderChart,
  chartFolder,
  clusterTemplatesFolder,
  clusterctlFolder,
  clusterctlProviderName,
  defaultNamespace,
  providerCharts,
  releaseVersion,
  renderComponents,
  run,
  workFile,
  writeClusterctlRepository,
} from '../src';
import { deploymentOf, labelsOf, ofKind } from './manifests';

// clusterctl must not phone home for a newer version during tests.
const clusterctlEnv = { CLUSTERCTL_DISABLE_VERSIONCHECK: 'true' };
const clusterctlVariable = /\$\{([A-Z][A-Z0-9_]*)(:?[=-][^}]*)?\}/g;
const logLevelVariable: Record<ProviderChart, string> = {
  'bootstrap-provider': 'CABPCK_LOG_LEVEL',
  'controlplane-provider': 'CACPCK_LOG_LEVEL',
};
const providerFlag: Record<ProviderChart, string> = { 'bootstrap-provider': '--bootstrap', 'controlplane-provider': '--control-plane' };

describe.each(providerCharts)('%s clusterctl components', (chart) => {
  let text: string;
  beforeAll(async () => {
    text = await renderComponents(chart);
  });

  it('contain exactly one Namespace, which holds every namespaced object', () => {
    const manifests = readManifests(workFile(`${chart}-components.yaml`, text));
    expect(ofKind(manifests, 'Namespace').map((namespace) => namespace.metadata.name)).toEqual([defaultNamespace[chart]]);
    const namespaced = ['Deployment', 'Service', 'ServiceAccount', 'Role', 'RoleBinding', 'Certificate', 'Issuer'];
    const placed = manifests.filter((manifest) => namespaced.includes(manifest.kind));
    expect(placed.length).toBeGreaterThanOrEqual(namespaced.length + 1);
    for (const manifest of manifests) {
      if (manifest.metadata.namespace !== undefined || namespaced.includes(manifest.kind)) {
        expect([manifest.kind, manifest.metadata.namespace]).toEqual([manifest.kind, defaultNamespace[chart]]);
      }
    }
    expect(ofKind(manifests, 'CustomResourceDefinition')).toHaveLength(2);
    expect(deploymentOf(manifests).spec.template.spec.containers.map((container) => container.name)).toEqual(['manager']);
    for (const manifest of manifests) expect(Object.keys(labelsOf(manifest)).filter((label) => label.includes('helm'))).toEqual([]);
  });

  it('keep no template syntax but clusterctl variables, each prefixed with the provider', () => {
    // CRD descriptions may quote cloud-init jinja ("{{ ds.meta_data... }}"); Helm syntax would show elsewhere.
    const templated = text.split(/^---$/m).filter((document) => !/^kind: CustomResourceDefinition$/m.test(document));
    for (const document of templated) expect(document).not.toMatch(/\{\{|\}\}/);
    const variables = [...text.matchAll(clusterctlVariable)].map((match) => match[1]);
    expect(new Set(variables)).toEqual(new Set([logLevelVariable[chart]]));
    expect(text.replace(clusterctlVariable, '')).not.toContain('${');
  });
});

describe('the clusterctl repository', () => {
  const outputFolder = mkdtempSync(join(tmpdir(), 'capi-ck8s-clusterctl-'));
  let configPath: string;
  beforeAll(async () => {
    ({ configPath } = await writeClusterctlRepository(outputFolder));
  });

  it.each(providerCharts)('lets clusterctl describe the %s with its target namespace and variables', async (chart) => {
    const provider = `${clusterctlProviderName}:${releaseVersion(chart)}`;
    const { stdout } = await run('clusterctl', ['generate', 'provider', providerFlag[chart], provider, '--config', configPath, '--describe'], clusterctlEnv);
    expect(stdout).toMatch(new RegExp(`TargetNamespace:\\s+${defaultNamespace[chart]}`));
    expect(stdout).toMatch(new RegExp(`Variables:\\s+- ${logLevelVariable[chart]}\\n`));
  });

  it.each(providerCharts)('lets clusterctl substitute the %s variables, defaults included', async (chart) => {
    const provider = `${clusterctlProviderName}:${releaseVersion(chart)}`;
    const generate = (env: Record<string, string>) =>
      run('clusterctl', ['generate', 'provider', providerFlag[chart], provider, '--config', configPath], { ...clusterctlEnv, ...env });
    expect((await generate({})).stdout).toContain('--log-level=info');
    expect((await generate({ [logLevelVariable[chart]]: 'debug' })).stdout).toContain('--log-level=debug');
  });

  it('publishes metadata whose newest release series is the charts’ version, on the v1beta2 contract', () => {
    const [metadata] = readManifests(join(clusterctlFolder, 'metadata.yaml'));
    const series = metadata!['releaseSeries'] as { major: number; minor: number; contract: string }[];
    for (const chart of providerCharts) {
      const [major, minor] = releaseVersion(chart).slice(1).split('.').map(Number);
      expect(series[0]).toEqual({ major, minor, contract: 'v1beta2' });
    }
    // Both providers are released together, under one version.
    expect(new Set(providerCharts.map(releaseVersion)).size).toBe(1);
  });
});

describe('cluster templates', () => {
  const generic = 'cluster-template.yaml';
  const docker = 'cluster-template-docker.yaml';
  const genericVariables = {
    CLUSTER_NAME: 'charts-test',
    CONTROL_PLANE_MACHINE_COUNT: '3',
    WORKER_MACHINE_COUNT: '2',
    KUBERNETES_VERSION: 'v1.34.0',
    INFRASTRUCTURE_CLUSTER_KIND: 'SimulatedCluster',
    INFRASTRUCTURE_MACHINE_TEMPLATE_KIND: 'SimulatedMachineTemplate',
  };
  const generate = (template: string, env: Record<string, string>) =>
    run('clusterctl', ['generate', 'yaml', '--from', join(clusterTemplatesFolder, template)], { ...clusterctlEnv, ...env });

  it.each([
    [generic, ['CK8S_AIR_GAPPED', 'CLUSTER_NAME', 'CONTROL_PLANE_MACHINE_COUNT', 'INFRASTRUCTURE_API_GROUP', 'INFRASTRUCTURE_API_VERSION', 'INFRASTRUCTURE_CLUSTER_KIND', 'INFRASTRUCTURE_MACHINE_TEMPLATE_KIND', 'KUBERNETES_VERSION', 'POD_CIDR', 'SERVICE_CIDR', 'WORKER_MACHINE_COUNT']],
    [docker, ['CLUSTER_NAME', 'CONTROL_PLANE_MACHINE_COUNT', 'KIND_IMAGE', 'KUBERNETES_VERSION', 'POD_CIDR', 'SERVICE_CIDR', 'WORKER_MACHINE_COUNT']],
  ])('%s lists its variables to clusterctl', async (template, variables) => {
    const { stdout } = await run('clusterctl', ['generate', 'yaml', '--from', join(clusterTemplatesFolder, template), '--list-variables'], clusterctlEnv);
    expect(stdout.split('\n').filter((line) => line.startsWith('  - ')).map((line) => line.slice(4))).toEqual(variables);
  });

  it('refuses to generate without a required variable, naming it', async () => {
    const { INFRASTRUCTURE_CLUSTER_KIND: _missing, ...incomplete } = genericVariables;
    await expect(generate(generic, incomplete)).rejects.toThrow('INFRASTRUCTURE_CLUSTER_KIND');
  });

  it('generates the docker example with every variable substituted', async () => {
    const { stdout } = await generate(docker, { ...genericVariables, KIND_IMAGE: 'k8s-snap:dev' });
    expect(stdout).not.toContain('${');
    const kinds = readManifests(workFile('docker-cluster.yaml', stdout)).map((manifest) => manifest.kind);
    expect(kinds).toEqual(['Cluster', 'DockerCluster', 'CK8sControlPlane', 'DockerMachineTemplate', 'MachineDeployment', 'DockerMachineTemplate', 'CK8sConfigTemplate']);
  });

  it('generates a cluster that the real apiserver, CAPI core webhooks and our CRDs accept', async () => {
    const environment = sharedEnvironment();
    await installCrds(environment.kubeConfig(), providerCharts.map((chart) => join(chartFolder(chart), 'crds')));
    const namespace = await createTestNamespace(environment.kubeConfig(), 'charts-template');
    const { stdout } = await generate(generic, genericVariables);
    const { stdout: applied } = await run('kubectl', [
      'apply',
      '--server-side',
      '--dry-run=server',
      '--field-manager=charts-test',
      `--kubeconfig=${environment.kubeconfigPath}`,
      `--namespace=${namespace}`,
      '-f',
      workFile('generic-cluster.yaml', stdout),
    ]);
    expect(applied.trim().split('\n')).toEqual([
      'cluster.cluster.x-k8s.io/charts-test serverside-applied (server dry run)',
      'ck8scontrolplane.controlplane.cluster.x-k8s.io/charts-test-control-plane serverside-applied (server dry run)',
      'machinedeployment.cluster.x-k8s.io/charts-test-md-0 serverside-applied (server dry run)',
      'ck8sconfigtemplate.bootstrap.cluster.x-k8s.io/charts-test-md-0 serverside-applied (server dry run)',
    ]);
  });
});
