import type { ControlPlaneObject } from '../../kinds';
import { decideNextStep } from './decide';
import { healthyMachines, now, scopeOf, type TestWorld } from './decide/test-fixtures';
import { nextStatus, type PassReport } from './status';

function controlPlaneOf(world: TestWorld): ControlPlaneObject {
  const scope = scopeOf(world);
  return { ...scope.controlPlane, metadata: { ...scope.controlPlane.metadata, name: 'cp', generation: 4 } };
}

function statusFor(world: TestWorld, report: Omit<PassReport, 'scope' | 'step'> = {}, withScope = true) {
  const scope = scopeOf(world);
  const full: PassReport = withScope ? { ...report, scope, step: decideNextStep(scope) } : report;
  return nextStatus(controlPlaneOf(world), full, now.getTime(), 'alpha');
}

const conditionOf = (status: ReturnType<typeof statusFor>, type: string) => status.conditions?.find((entry) => entry.type === type);

describe('control plane status', () => {
  it('counts replicas, Ready and up-to-date machines and lists versions oldest first', () => {
    const status = statusFor({ version: 'v1.34.0', replicas: 3, machines: [...healthyMachines(2, { version: 'v1.33.2' }), { name: 'm-new', version: 'v1.34.0' }] });
    expect(status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      upToDateReplicas: 1,
      updatedReplicas: 1,
      unavailableReplicas: 0,
      version: 'v1.33.2',
      versions: [
        { version: 'v1.33.2', replicas: 2 },
        { version: 'v1.34.0', replicas: 1 },
      ],
      selector: 'cluster.x-k8s.io/cluster-name=alpha,cluster.x-k8s.io/control-plane',
      initialized: true,
      initialization: { controlPlaneInitialized: true },
      ready: true,
      observedGeneration: 4,
    });
    expect(conditionOf(status, 'RollingOut')).toMatchObject({ status: 'True', reason: 'RollingOut' });
    expect(conditionOf(status, 'MachinesUpToDate')?.message).toContain('want v1.34.0');
  });

  it.each([
    ['a NotReady node', { machines: [...healthyMachines(2), { name: 'm-sick', nodeReady: false }] }, 'MachinesReady', 'False', /m-sick: node m-sick is not Ready/],
    ['fewer machines than replicas', { replicas: 3, machines: healthyMachines(1) }, 'ScalingUp', 'True', /scaling up from 1 to 3/],
    ['more machines than replicas', { replicas: 1, machines: healthyMachines(3) }, 'ScalingDown', 'True', /scaling down from 3 to 1/],
    ['a workload cluster without k8sd-config', { initialized: false, machines: healthyMachines(1) }, 'Initialized', 'False', /kube-system\/k8sd-config/],
    ['too few Ready machines for quorum', { machines: [{ name: 'a', nodeReady: false }, { name: 'b', nodeReady: false }, { name: 'c' }] }, 'Available', 'False', /1 of 3 .* 2 needed for datastore quorum/],
  ] as const)('reports %s', (_name, world, type, status, message) => {
    const condition = conditionOf(statusFor(world as TestWorld), type);
    expect(condition?.status).toBe(status);
    expect(condition?.message).toMatch(message);
  });

  it('puts a wait of an early phase into its condition, keeping the counters', () => {
    const wait = { condition: 'Available', reason: 'WaitingForControlPlaneEndpoint', message: 'waiting for the endpoint', retryAfterMs: 5_000 };
    const status = statusFor({ machines: healthyMachines(1), status: { replicas: 1, readyReplicas: 1 } }, { wait, certificates: 'available' }, false);
    expect(conditionOf(status, 'Available')).toMatchObject({ status: 'False', reason: 'WaitingForControlPlaneEndpoint', message: 'waiting for the endpoint' });
    expect(conditionOf(status, 'CertificatesAvailable')?.status).toBe('True');
    expect(status.replicas).toBe(1);
  });

  it('keeps the operation condition True with the reason when its action failed', () => {
    const status = statusFor({ replicas: 1, machines: healthyMachines(3) }, { actionFailure: { condition: 'ScalingDown', reason: 'NodeRemovalFailed', message: 'k8sd said no' } });
    expect(conditionOf(status, 'ScalingDown')).toMatchObject({ status: 'True', reason: 'NodeRemovalFailed', message: 'k8sd said no' });
  });

  it('reports a pause', () => {
    const status = statusFor({ machines: healthyMachines(1) }, { paused: 'Cluster alpha has spec.paused set' }, false);
    expect(conditionOf(status, 'Paused')).toMatchObject({ status: 'True', message: 'Cluster alpha has spec.paused set' });
  });
});
