// Remediation driven by a real MachineHealthCheck of the Cluster API core: refused (and explained) while removing the
// unhealthy machine would lose the datastore quorum, done once it would not, with a replacement that carries
// remediation-for. The test plays the infrastructure provider and the machines; k8sd is SIMULATED.
import { annotations, clusterApiVersion } from '@capi-ck8s/api';
import type { KubeObject } from '@capi-ck8s/runtime';
import { sharedEnvironment } from '@capi-ck8s/testenv';
import { type ControlPlaneObject, kinds, type MachineObject } from '../../kinds';
import { condition, ProviderTestBed } from '../../test-support/int-env';

const bed = new ProviderTestBed(sharedEnvironment().kubeConfig(), 'remediation');
const { client, durations } = bed;

const steady = (replicas: number) => (controlPlane: ControlPlaneObject, machines: MachineObject[]) =>
  machines.length === replicas && machines.every((machine) => !machine.metadata.deletionTimestamp && machine.status?.nodeRef) && controlPlane.status?.readyReplicas === replicas;

describe('remediation of control plane machines', () => {
  it('is refused while another unhealthy member would leave the datastore without quorum, and done once it would not', async () => {
    const cluster = await bed.newCluster('heal', { replicas: 3, remediationStrategy: { minHealthyPeriod: '1h' } });
    await cluster.waitForControlPlane('three Ready machines', steady(3), 150_000);
    await client.create({
      apiVersion: clusterApiVersion,
      kind: 'MachineHealthCheck',
      metadata: { name: 'heal-control-plane', namespace: bed.namespace },
      spec: {
        clusterName: 'heal',
        // Only the machine labelled below: a Cluster API MachineHealthCheck never lets go of a machine it flagged,
        // so the node made NotReady to threaten the quorum must stay outside it.
        selector: { matchLabels: { 'cluster.x-k8s.io/control-plane-name': 'heal', 'mhc-test': 'fail' } },
        checks: { unhealthyNodeConditions: [{ type: 'Ready', status: 'False', timeoutSeconds: 1 }] },
      },
    } as KubeObject);

    const machines = (await cluster.machines()).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    const [first, second] = machines.map((machine) => machine.status?.nodeRef?.name ?? '');
    await client.mergePatch(kinds.machine, { namespace: bed.namespace, name: machines[0]?.metadata.name ?? '' }, { metadata: { labels: { 'mhc-test': 'fail' } } });
    await cluster.setNodeReady(first ?? '', false);
    await cluster.setNodeReady(second ?? '', false);
    const refused = await cluster.waitForControlPlane('remediation refused for quorum', (cp) => condition(cp, 'Remediating')?.reason === 'RemediationBlocked', 90_000);
    expect(condition(refused, 'Remediating')?.message).toMatch(/quorum/i);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const stillThere = await cluster.machines();
    expect(stillThere).toHaveLength(3);
    expect(stillThere.every((machine) => !machine.metadata.deletionTimestamp)).toBe(true);

    const started = performance.now();
    await cluster.setNodeReady(second ?? '', true);
    const healed = await cluster.waitForControlPlane(
      'the unhealthy machine replaced',
      (cp, current) => steady(3)(cp, current) && !current.some((machine) => machine.metadata.name === machines[0]?.metadata.name),
      180_000,
    );
    durations['remediate 1 of 3'] = Math.round(performance.now() - started);
    const replacement = (await cluster.machines()).find((machine) => machine.metadata.annotations?.[annotations.remediationFor] !== undefined);
    expect(JSON.parse(replacement?.metadata.annotations?.[annotations.remediationFor] ?? '{}')).toMatchObject({ machine: machines[0]?.metadata.name, retryCount: 0 });
    expect(healed.status?.lastRemediation?.machine).toBe(machines[0]?.metadata.name);
    expect(healed.metadata.annotations?.[annotations.remediationInProgress]).toBeUndefined();
  }, 420_000);
});
