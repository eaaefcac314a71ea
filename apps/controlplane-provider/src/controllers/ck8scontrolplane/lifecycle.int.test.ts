// A control plane's life through the real Cluster API core controllers: initialisation (the kubeconfig it writes
// authenticates against a real workload apiserver serving with the CAs it generated), scaling 1 → 3 → 5 → 3 → 1 with
// k8sd remove-node on the way down (and a remove-node that hangs), admin certificate rotation, pause, adoption and
// deletion after the workers. The test plays the infrastructure provider and the machines; k8sd is SIMULATED.
import { clusterApiVersion, bootstrapApiVersion } from '@capi-ck8s/api';
import { issueCertificate, needsRotation, parseKubeconfig, renderKubeconfig } from '@capi-ck8s/pki';
import { K8SD_PATHS } from '@capi-ck8s/k8sd';
import type { KubeObject } from '@capi-ck8s/runtime';
import { sharedEnvironment, waitFor } from '@capi-ck8s/testenv';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { base64, kinds, secretText } from '../../kinds';
import { testKinds } from '../../test-support/test-crds';
import { condition, ProviderTestBed } from '../../test-support/int-env';

const bed = new ProviderTestBed(sharedEnvironment().kubeConfig(), 'lifecycle');
const { client, durations } = bed;

const newCluster = (name: string) => bed.newCluster(name);

const readyWith = (replicas: number) => (controlPlane: { status?: { readyReplicas?: number; replicas?: number; upToDateReplicas?: number } }, machines: { metadata: { deletionTimestamp?: string } }[]) =>
  controlPlane.status?.replicas === replicas && controlPlane.status.readyReplicas === replicas && machines.length === replicas && machines.every((machine) => !machine.metadata.deletionTimestamp);

/** `<cluster>-kubeconfig` has the contract's shape and its admin identity lists the workload cluster's nodes. */
async function expectWorkingKubeconfig(clusterName: string, nodeNames: unknown[]): Promise<void> {
  const secret = await client.get(kinds.secret, { namespace: bed.namespace, name: `${clusterName}-kubeconfig` });
  expect(secret.type).toBe('cluster.x-k8s.io/secret');
  expect(secret.metadata.labels?.['cluster.x-k8s.io/cluster-name']).toBe(clusterName);
  expect(secret.metadata.ownerReferences?.find((owner) => owner.controller)?.kind).toBe('CK8sControlPlane');
  const workloadConfig = new KubeConfig();
  workloadConfig.loadFromString(secretText(secret, 'value') ?? '');
  const nodes = await workloadConfig.makeApiClient(CoreV1Api).listNode();
  expect(nodes.items.map((node) => node.metadata?.name)).toEqual(nodeNames);
}

describe('a CK8sControlPlane', () => {
  it('initialises one machine and writes a kubeconfig that authenticates against the workload apiserver', async () => {
    const started = performance.now();
    const cluster = await newCluster('init');
    const controlPlane = await cluster.waitForControlPlane('one Ready, initialized control plane machine', (cp, machines) => readyWith(1)(cp, machines) && cp.status?.initialization?.controlPlaneInitialized === true);
    durations['initialise 1 machine'] = Math.round(performance.now() - started);

    expect(condition(controlPlane, 'Available')?.status).toBe('True');
    expect(condition(controlPlane, 'CertificatesAvailable')?.status).toBe('True');
    expect(controlPlane.status?.selector).toBe('cluster.x-k8s.io/cluster-name=init,cluster.x-k8s.io/control-plane');
    const [machine] = await cluster.machines();
    expect(machine?.metadata.labels).toMatchObject({ 'cluster.x-k8s.io/cluster-name': 'init', 'cluster.x-k8s.io/control-plane': '', 'cluster.x-k8s.io/control-plane-name': 'init' });
    expect(machine?.spec.version).toBe('v1.33.2');
    const config = await client.get(kinds.config, { namespace: bed.namespace, name: machine?.spec.bootstrap.configRef?.name ?? '' });
    expect(config.spec?.controlPlane?.microclusterPort).toBe(bed.port);

    await expectWorkingKubeconfig('init', [machine?.metadata.name]);
  }, 150_000);

  it('scales 1 → 3 → 5 → 3 → 1, removing each node from the cluster through k8sd before deleting its machine', async () => {
    const cluster = await newCluster('scale');
    await cluster.waitForControlPlane('one Ready machine', readyWith(1));
    const removalsBefore = bed.simulator.requests.filter((request) => request.path.endsWith('/remove-node')).length;
    for (const [from, to] of [
      [1, 3],
      [3, 5],
      [5, 3],
      [3, 1],
    ] as const) {
      const started = performance.now();
      await client.mergePatch(kinds.controlPlane, cluster.key, { spec: { replicas: to } });
      const scaled = await cluster.waitForControlPlane(`${to} Ready machines`, readyWith(to));
      durations[`scale ${from} → ${to}`] = Math.round(performance.now() - started);
      expect(condition(scaled, to > from ? 'ScalingUp' : 'ScalingDown')?.status).toBe('False');
      expect(cluster.maximumMachinesSince(started)).toBeLessThanOrEqual(Math.max(from, to));
      // One machine at a time: a removal never starts before the previous one is done.
      if (to < from) expect(cluster.minimumReadySince(started)).toBeGreaterThanOrEqual(to);
    }
    const removals = bed.simulator.requests.filter((request) => request.path.endsWith('/remove-node') && request.statusCode === 200).length - removalsBefore;
    expect(removals).toBe(4);
    expect(cluster.simulated?.members()).toHaveLength(1);
  }, 300_000);

  it('re-issues the admin certificate of the kubeconfig once half of its life has passed', async () => {
    const cluster = await newCluster('rotate');
    await cluster.waitForControlPlane('one Ready machine', readyWith(1));
    const key = { namespace: bed.namespace, name: 'rotate-kubeconfig' };
    const original = parseKubeconfig(secretText(await client.get(kinds.secret, key), 'value') ?? '');
    expect(needsRotation(original.client.certPem)).toBe(false);
    const cca = await client.get(kinds.secret, { namespace: bed.namespace, name: 'rotate-cca' });
    const clientCa = { certPem: secretText(cca, 'tls.crt') ?? '', keyPem: secretText(cca, 'tls.key') ?? '' };
    const dayMs = 24 * 60 * 60 * 1000;
    const aging = await issueCertificate({ issuer: clientCa, commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['clientAuth'], validityDays: 365, now: new Date(Date.now() - 200 * dayMs) });
    const agingKubeconfig = renderKubeconfig({ clusterName: 'rotate', server: original.server, caCertPem: original.caCertPem, client: aging });
    const started = performance.now();
    await client.mergePatch(kinds.secret, key, { data: { value: base64(agingKubeconfig) } });

    const rotated = await waitFor(
      'the kubeconfig to carry a fresh admin certificate',
      async () => {
        const current = parseKubeconfig(secretText(await client.get(kinds.secret, key), 'value') ?? '');
        return current.client.certPem !== aging.certPem ? current : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    durations['kubeconfig rotation'] = Math.round(performance.now() - started);
    expect(needsRotation(rotated.client.certPem)).toBe(false);
    await expectWorkingKubeconfig('rotate', (await cluster.machines()).map((machine) => machine.metadata.name));
  }, 150_000);

  it('does nothing while the Cluster is paused and resumes when unpaused', async () => {
    const cluster = await newCluster('pause');
    await cluster.waitForControlPlane('one Ready machine', readyWith(1));
    await client.mergePatch(kinds.cluster, cluster.key, { spec: { paused: true } });
    await cluster.waitForControlPlane('the Paused condition', (cp) => condition(cp, 'Paused')?.status === 'True');
    await client.mergePatch(kinds.controlPlane, cluster.key, { spec: { replicas: 3 } });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await cluster.machines()).toHaveLength(1);
    const started = performance.now();
    await client.mergePatch(kinds.cluster, cluster.key, { spec: { paused: false } });
    const resumed = await cluster.waitForControlPlane('three Ready machines after unpausing', readyWith(3));
    durations['unpause → 3 Ready'] = Math.round(performance.now() - started);
    expect(condition(resumed, 'Paused')?.status).toBe('False');
  }, 150_000);

  it('deletes its machines only after the worker machines are gone, and its finalizer last', async () => {
    const cluster = await newCluster('bye');
    await cluster.waitForControlPlane('one Ready machine', readyWith(1));
    await client.create({ ...testKinds.infrastructureMachine, metadata: { name: 'bye-worker', namespace: bed.namespace }, spec: {} });
    await client.create({ apiVersion: bootstrapApiVersion, kind: 'CK8sConfig', metadata: { name: 'bye-worker', namespace: bed.namespace }, spec: {} } as KubeObject);
    await client.create({
      apiVersion: clusterApiVersion,
      kind: 'Machine',
      metadata: { name: 'bye-worker', namespace: bed.namespace, labels: { 'cluster.x-k8s.io/cluster-name': 'bye' } },
      spec: {
        clusterName: 'bye',
        version: 'v1.33.2',
        bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'CK8sConfig', name: 'bye-worker' } },
        infrastructureRef: { apiGroup: testKinds.infrastructureMachine.apiVersion.split('/')[0], kind: testKinds.infrastructureMachine.kind, name: 'bye-worker' },
      },
    } as KubeObject);
    const started = performance.now();
    await client.delete(kinds.controlPlane, cluster.key);
    const waiting = await cluster.waitForControlPlane('the Deleting condition naming the worker', (cp) => condition(cp, 'Deleting')?.reason === 'WaitingForWorkersDeletion');
    expect(condition(waiting, 'Deleting')?.message).toContain('bye-worker');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await cluster.machines()).every((machine) => !machine.metadata.deletionTimestamp)).toBe(true);

    await client.delete(kinds.machine, { namespace: bed.namespace, name: 'bye-worker' });
    await waitFor('the control plane to be gone', async () => ((await client.find(kinds.controlPlane, cluster.key)) ? undefined : true), { timeoutMs: 90_000, intervalMs: 200 });
    durations['deletion (after the worker)'] = Math.round(performance.now() - started);
    expect(await cluster.machines()).toHaveLength(0);
  }, 150_000);

  it('cuts off a k8sd remove-node that hangs, says so in ScalingDown, keeps the machine and retries', async () => {
    const cluster = await newCluster('stuck');
    await client.mergePatch(kinds.controlPlane, cluster.key, { spec: { replicas: 3 } });
    await cluster.waitForControlPlane('three Ready machines', readyWith(3));
    for (const member of cluster.simulated?.members() ?? []) member.injectFault(K8SD_PATHS.removeNode, { kind: 'hang' }, 1);
    const started = performance.now();
    await client.mergePatch(kinds.controlPlane, cluster.key, { spec: { replicas: 1 } });
    const stuck = await cluster.waitForControlPlane('ScalingDown to report the failed removal', (cp) => condition(cp, 'ScalingDown')?.reason === 'NodeRemovalFailed', 60_000);
    durations['hanging remove-node reported'] = Math.round(performance.now() - started);
    expect(condition(stuck, 'ScalingDown')?.message).toMatch(/removing node .* through k8sd failed: .*the machine is kept/);
    expect(durations['hanging remove-node reported']).toBeGreaterThanOrEqual(5_000);
    expect((await cluster.machines()).filter((machine) => !machine.metadata.deletionTimestamp)).toHaveLength(3);
    await cluster.waitForControlPlane('one Ready machine after the retry', readyWith(1), 120_000);
    durations['scale 3 → 1 through a hanging remove-node'] = Math.round(performance.now() - started);
  }, 240_000);

  it('adopts a standalone control plane machine of its cluster instead of creating one', async () => {
    const cluster = await newCluster('adopt');
    await cluster.waitForControlPlane('one Ready machine', readyWith(1));
    await client.mergePatch(kinds.cluster, cluster.key, { spec: { paused: true } });
    await cluster.waitForControlPlane('the Paused condition', (cp) => condition(cp, 'Paused')?.status === 'True');
    const spec = (await cluster.controlPlane()).spec?.spec ?? {};
    await client.create({ ...testKinds.infrastructureMachine, metadata: { name: 'adopt-standalone', namespace: bed.namespace }, spec: {} });
    await client.create({ apiVersion: bootstrapApiVersion, kind: 'CK8sConfig', metadata: { name: 'adopt-standalone', namespace: bed.namespace }, spec } as KubeObject);
    await client.create({
      apiVersion: clusterApiVersion,
      kind: 'Machine',
      metadata: { name: 'adopt-standalone', namespace: bed.namespace, labels: { 'cluster.x-k8s.io/cluster-name': 'adopt', 'cluster.x-k8s.io/control-plane': '' } },
      spec: {
        clusterName: 'adopt',
        version: 'v1.33.2',
        bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'CK8sConfig', name: 'adopt-standalone' } },
        infrastructureRef: { apiGroup: testKinds.infrastructureMachine.apiVersion.split('/')[0], kind: testKinds.infrastructureMachine.kind, name: 'adopt-standalone' },
      },
    } as KubeObject);
    await client.mergePatch(kinds.controlPlane, cluster.key, { spec: { replicas: 3 } });
    const started = performance.now();
    await client.mergePatch(kinds.cluster, cluster.key, { spec: { paused: false } });
    await cluster.waitForControlPlane('three Ready machines, one of them adopted', readyWith(3));
    durations['adopt + scale to 3'] = Math.round(performance.now() - started);
    const adopted = (await cluster.machines()).find((machine) => machine.metadata.name === 'adopt-standalone');
    expect(adopted?.metadata.ownerReferences?.find((owner) => owner.controller)).toMatchObject({ kind: 'CK8sControlPlane', name: 'adopt' });
    expect(cluster.maximumMachinesSince(started)).toBe(3);
  }, 240_000);
});
