import { annotations } from '@capi-ck8s/api';
import { decideNextStep } from './next-step';
import type { NextStep } from './next-step';
import { formatRemediationData } from './remediation-data';
import { healthyMachines, minutesAgo, scopeOf } from './test-fixtures';
import type { TestMachine, TestWorld } from './test-fixtures';

const old = 'v1.33.0';
const flagged: Partial<TestMachine> = { healthCheckSucceeded: 'False', ownerRemediated: 'False' };
const outdated = (count: number): TestMachine[] => healthyMachines(count, { version: old });
const inProgress = (machine: string) => ({
  [annotations.remediationInProgress]: formatRemediationData({ machine, timestamp: minutesAgo(1), retryCount: 0 }),
});
const describeStep = (step: NextStep) => {
  const action = step.action;
  switch (action.kind) {
    case 'remediate':
    case 'scaleDown':
      return `${step.phase}: ${action.kind} ${action.machine}`;
    case 'wait':
      return `${step.phase}: wait ${action.reason}`;
    default:
      return `${step.phase}: ${action.kind}`;
  }
};

describe('decideNextStep', () => {
  // [ behaviour, world, "<phase>: <action>" ]
  it.each<[string, TestWorld, string]>([
    ['initializes a control plane without machines', { machines: [], initialized: false, workloadUnreachable: 'no cluster yet' }, 'initialization: initialize'],
    [
      'waits for the first machine to initialize the cluster before adding others',
      { replicas: 3, initialized: false, machines: [{ name: 'm1', node: false }], workloadUnreachable: 'no API server yet' },
      'initialization: wait WaitingForControlPlaneInitialization',
    ],
    [
      'remediates a failed first machine before initialization',
      { replicas: 3, initialized: false, machines: [{ name: 'm1', node: false, ...flagged }], workloadUnreachable: 'no API server' },
      'remediation: remediate m1',
    ],
    ['remediates before rolling out', { machines: [...outdated(2), { name: 'm3', version: old, nodeReady: false, ...flagged }] }, 'remediation: remediate m3'],
    ['rolls out before scaling up', { replicas: 5, machines: outdated(3) }, 'rollout: scaleUp'],
    ['rolls out before scaling down', { replicas: 1, machines: outdated(3) }, 'rollout: scaleDown m1'],
    ['scales up towards replicas', { replicas: 3, machines: healthyMachines(1) }, 'scaleUp: scaleUp'],
    ['scales down the oldest machine towards replicas', { replicas: 3, machines: healthyMachines(5) }, 'scaleDown: scaleDown m1'],
    ['is steady at replicas with everything up to date', { replicas: 3, machines: healthyMachines(3) }, 'none: steady'],
    ['counts a deleting machine, so it is not refilled before it is gone', { replicas: 3, machines: [...healthyMachines(2), { name: 'm3', deleting: true }] }, 'none: steady'],
    ['waits for a deleting machine before scaling up', { replicas: 5, machines: [...healthyMachines(2), { name: 'm3', deleting: true }] }, 'scaleUp: wait WaitingForMachineDeletion'],
    ['waits for a machine without node before scaling down', { replicas: 1, machines: [{ name: 'm1' }, { name: 'm2', node: false }, { name: 'm3' }] }, 'scaleDown: wait ControlPlaneUnhealthy'],
    [
      'waits for unhealthy members before a scale down',
      { replicas: 3, machines: [...healthyMachines(3), { name: 'm4', member: 'unhealthy' }, { name: 'm5', member: 'unhealthy' }] },
      'scaleDown: wait ControlPlaneUnhealthy',
    ],
    [
      'refuses a scale down that would lose quorum to members without a machine',
      {
        replicas: 3,
        machines: healthyMachines(5),
        extraMembers: ['o1', 'o2', 'o3', 'o4'].map((name) => ({ name, role: 'voter' as const, healthy: false })),
      },
      'scaleDown: wait DatastoreQuorumAtRisk',
    ],
    ['refuses to grow to an even replica count with etcd', { replicas: 2, machines: healthyMachines(1) }, 'scaleUp: wait EvenReplicasWithManagedDatastore'],
    ['refuses to shrink to an even replica count with etcd', { replicas: 4, machines: healthyMachines(5) }, 'scaleDown: wait EvenReplicasWithManagedDatastore'],
    [
      'refuses a rollout that would also resize to an even count',
      { replicas: 2, machines: outdated(5) },
      'rollout: wait EvenReplicasWithManagedDatastore',
    ],
    ['allows an even replica count with an external datastore', { replicas: 2, spec: { controlPlane: { datastoreType: 'external' } }, machines: healthyMachines(1) }, 'scaleUp: scaleUp'],
    ['rolls out a legacy even control plane at its size (N → N+1)', { replicas: 2, machines: outdated(2) }, 'rollout: scaleUp'],
    ['rolls out a legacy even control plane at its size (N+1 → N)', { replicas: 2, machines: [...outdated(2), { name: 'new' }] }, 'rollout: scaleDown m1'],
    [
      'replaces a remediated machine of a legacy even control plane',
      { replicas: 2, controlPlaneAnnotations: inProgress('m0'), machines: healthyMachines(1) },
      'scaleUp: scaleUp',
    ],
    [
      'carries on with the rollout when remediation is deferred but preflight passes',
      {
        remediationStrategy: { maxRetry: 0 },
        machines: [
          ...outdated(2),
          {
            name: 'm3',
            version: old,
            ...flagged,
            annotations: { [annotations.remediationFor]: formatRemediationData({ machine: 'm0', timestamp: minutesAgo(5), retryCount: 0 }) },
          },
        ],
      },
      'rollout: scaleUp',
    ],
    ['keeps the only machine of an initialized control plane and reports why', { replicas: 1, machines: [{ name: 'm1', nodeReady: false, ...flagged }] }, 'none: steady'],
  ])('%s', (_name, world, expected) => {
    expect(describeStep(decideNextStep(scopeOf(world)))).toBe(expected);
  });

  it('reports a deferred remediation alongside the phase that acts', () => {
    const step = decideNextStep(scopeOf({ replicas: 1, machines: [{ name: 'm1', nodeReady: false, ...flagged }] }));
    expect(step.remediation.action).toMatchObject({ kind: 'deferred', machine: 'm1', reason: 'RemediationOfLastMachineRefused' });
  });

  it('passes the remediation data to the replacement', () => {
    const step = decideNextStep(scopeOf({ replicas: 3, controlPlaneAnnotations: inProgress('m3'), machines: healthyMachines(2) }));
    expect(step.action).toMatchObject({ kind: 'scaleUp', remediationFor: { machine: 'm3', retryCount: 0 } });
  });

  it('places the first machine in the first failure domain', () => {
    const step = decideNextStep(scopeOf({ machines: [], initialized: false, failureDomains: ['fd-b', 'fd-a'] }));
    expect(step.action).toMatchObject({ kind: 'initialize', failureDomain: 'fd-a' });
  });
});

/** failsToInitialize: every machine created fails to bring up its node and the MachineHealthCheck flags it. */
type SimulatedWorld = TestWorld & { failsToInitialize?: boolean };

/**
 * Drives decideNextStep to a steady state the way the phases and Cluster API would: a created machine comes up
 * healthy and up to date, a scaled-down machine is removed, a remediated machine is deleted with the
 * remediation-in-progress annotation set, and deletions finish once nothing else is to be done. Stops at a steady
 * state or at a wait nothing in the simulation resolves. Records the number of healthy, non-deleting machines after
 * each step.
 */
function converge(start: SimulatedWorld): { steps: string[]; healthy: number[]; world: SimulatedWorld } {
  let world = start;
  const steps: string[] = [];
  const healthy: number[] = [];
  for (let round = 1; round <= 60; round++) {
    const step = decideNextStep(scopeOf(world));
    const action = step.action;
    steps.push(describeStep(step));
    const settled = { ...world, machines: world.machines.filter((machine) => !machine.deleting) };
    if (action.kind === 'steady' || action.kind === 'wait') {
      if (settled.machines.length === world.machines.length) return { steps, healthy, world };
      world = settled;
      continue;
    }
    if (action.kind === 'remediate') {
      world = {
        ...world,
        controlPlaneAnnotations: { ...world.controlPlaneAnnotations, [annotations.remediationInProgress]: formatRemediationData(action.data) },
        machines: world.machines.map((machine) => (machine.name === action.machine ? { ...machine, deleting: true } : machine)),
      };
    } else if (action.kind === 'scaleDown') {
      world = { ...world, machines: world.machines.filter((machine) => machine.name !== action.machine) };
    } else {
      const { [annotations.remediationInProgress]: _done, ...rest } = world.controlPlaneAnnotations ?? {};
      const created: TestMachine = {
        name: `new${round}`,
        ageMinutes: 100 - round,
        ...(action.remediationFor ? { annotations: { [annotations.remediationFor]: formatRemediationData(action.remediationFor) } } : {}),
        ...(action.failureDomain ? { failureDomain: action.failureDomain } : {}),
        ...(world.failsToInitialize ? { node: false, ...flagged } : {}),
      };
      const comesUp = !world.failsToInitialize;
      world = {
        ...world,
        ...(comesUp ? { initialized: true, workloadUnreachable: undefined } : {}),
        controlPlaneAnnotations: rest,
        machines: [...world.machines, created],
      };
    }
    const scope = scopeOf(world);
    healthy.push(scope.activeMachines().filter((machine) => machine.problems.length === 0).length);
  }
  throw new Error(`no steady state after 60 steps: ${steps.join(' | ')}`);
}

describe('decideNextStep, driven to a steady state', () => {
  const outdatedOnePerFailureDomain: TestWorld = {
    replicas: 3,
    failureDomains: ['fd-a', 'fd-b', 'fd-c'],
    machines: ['fd-a', 'fd-b', 'fd-c'].map((failureDomain, index) => ({ name: `m${index + 1}`, version: old, failureDomain })),
  };

  // [ behaviour, world, fewest healthy machines allowed at any point ]
  it.each<[string, TestWorld, number]>([
    ['a rolling upgrade of 3 with maxSurge 1 never has fewer than 3 healthy machines', { replicas: 3, machines: outdated(3) }, 3],
    ['a rolling upgrade of 3 with maxSurge 0 never has fewer than 2', { replicas: 3, maxSurge: 0, machines: outdated(3) }, 2],
    ['a rolling upgrade of 5 with maxSurge 0 never has fewer than 4', { replicas: 5, maxSurge: 0, machines: outdated(5) }, 4],
    ['an upgrade of a 1-replica cluster keeps its machine until the new one is up', { replicas: 1, machines: outdated(1) }, 1],
    [
      'an upgrade spread over failure domains',
      outdatedOnePerFailureDomain,
      3,
    ],
  ])('%s', (_name, world, fewest) => {
    const result = converge(world);
    const scope = scopeOf(result.world);
    expect(result.steps.at(-1)).toBe('none: steady');
    expect(Math.min(...result.healthy)).toBeGreaterThanOrEqual(fewest);
    expect(scope.machines).toHaveLength(world.replicas ?? 3);
    expect(scope.machinesNeedingRollout()).toEqual([]);
  });

  it('keeps one machine per failure domain after an upgrade', () => {
    const result = converge(outdatedOnePerFailureDomain);
    expect(scopeOf(result.world).machines.map((machine) => machine.failureDomain).sort()).toEqual(['fd-a', 'fd-b', 'fd-c']);
  });

  it('creates a cluster from nothing and grows it to 3, one machine at a time', () => {
    const result = converge({ replicas: 3, machines: [], initialized: false, workloadUnreachable: 'no cluster yet' });
    expect(result.steps).toEqual(['initialization: initialize', 'scaleUp: scaleUp', 'scaleUp: scaleUp', 'none: steady']);
  });

  it('scales 1 → 3 → 5 → 3 → 1 one machine at a time, keeping quorum on the way down', () => {
    let world: SimulatedWorld = { replicas: 1, machines: healthyMachines(1) };
    const sizes: number[] = [];
    for (const replicas of [3, 5, 3, 1]) {
      const result = converge({ ...world, replicas });
      expect(result.steps.at(-1)).toBe('none: steady');
      world = result.world;
      sizes.push(scopeOf(world).machines.length);
    }
    expect(sizes).toEqual([3, 5, 3, 1]);
  });

  it('scales 5 down to 3 oldest first and stops', () => {
    const result = converge({ replicas: 3, machines: healthyMachines(5) });
    expect(result.steps).toEqual(['scaleDown: scaleDown m1', 'scaleDown: scaleDown m2', 'none: steady']);
  });

  it('retries a failed first initialization up to maxRetry, then leaves the machine for a human', () => {
    const result = converge({
      replicas: 3,
      initialized: false,
      workloadUnreachable: 'no API server',
      failsToInitialize: true,
      remediationStrategy: { maxRetry: 1 },
      machines: [{ name: 'm1', node: false, ...flagged }],
    });
    expect(result.steps).toEqual([
      'remediation: remediate m1',
      'initialization: wait WaitingForControlPlaneInitialization',
      'initialization: initialize',
      'remediation: remediate new3',
      'initialization: wait WaitingForControlPlaneInitialization',
      'initialization: initialize',
      'initialization: wait WaitingForControlPlaneInitialization',
    ]);
    const step = decideNextStep(scopeOf(result.world));
    expect(step.remediation.action).toMatchObject({ kind: 'deferred', reason: 'RemediationMaxRetryReached' });
  });

  it('remediates a broken machine, waits for its deletion, then creates its replacement marked remediation-for', () => {
    const result = converge({ replicas: 3, machines: [{ name: 'm1' }, { name: 'm2', nodeReady: false, ...flagged }, { name: 'm3' }] });
    expect(result.steps).toEqual(['remediation: remediate m2', 'none: steady', 'scaleUp: scaleUp', 'none: steady']);
    const replacement = result.world.machines.find((machine) => machine.name.startsWith('new'));
    expect(JSON.parse(replacement?.annotations?.[annotations.remediationFor] ?? '{}')).toMatchObject({ machine: 'm2', retryCount: 0 });
    expect(result.world.controlPlaneAnnotations?.[annotations.remediationInProgress]).toBeUndefined();
  });
});
