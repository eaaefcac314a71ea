import { ControlPlaneScope, isDatastoreManaged } from './scope';
import type { ControlPlaneScopeInput } from './scope';
import { healthyMachines, now, scopeOf, testCluster, testControlPlane } from './decide/test-fixtures';
import type { TestMachine } from './decide/test-fixtures';

const problemsOf = (machine: TestMachine, world: { workloadUnreachable?: string; membershipUnknown?: string; spec?: object } = {}) =>
  scopeOf({ ...world, machines: [machine] }).machines[0]!.problems;

describe('ControlPlaneScope', () => {
  it('sorts machines by name and answers the set questions', () => {
    const scope = scopeOf({
      version: 'v1.35.0',
      machines: [
        { name: 'm3', deleting: true },
        { name: 'm1', version: 'v1.34.1' },
        { name: 'm2', version: 'v1.35.0', node: false },
        { name: 'm4', version: 'v1.35.0', healthCheckSucceeded: 'False', ownerRemediated: 'False' },
        { name: 'm5', version: 'v1.35.0', healthCheckSucceeded: 'True', ownerRemediated: 'False' },
      ],
    });
    const names = (machines: { name: string }[]) => machines.map((machine) => machine.name);
    expect(names([...scope.machines])).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(names(scope.activeMachines())).toEqual(['m1', 'm2', 'm4', 'm5']);
    expect(names(scope.deletingMachines())).toEqual(['m3']);
    expect(scope.hasDeletingMachine()).toBe(true);
    expect(names(scope.machinesNeedingRollout())).toEqual(['m1']);
    expect(scope.machinesNeedingRollout()[0]!.upToDate.reasons[0]!.code).toBe('VersionChanged');
    expect(names(scope.upToDateMachines())).toEqual(['m2', 'm4', 'm5']);
    expect(names(scope.unhealthyMachines())).toEqual(['m4']);
    expect(names(scope.machinesToBeRemediated())).toEqual(['m4']);
    expect(names(scope.machinesRecoveredBeforeRemediation())).toEqual(['m5']);
    expect(names(scope.machinesWithProblems())).toEqual(['m2']);
    expect(names(scope.provisioningMachines())).toEqual(['m2']);
  });

  it.each<[string, TestMachine, { workloadUnreachable?: string; membershipUnknown?: string; spec?: object }, string[]]>([
    ['a healthy machine', { name: 'm1' }, {}, []],
    ['a machine without node', { name: 'm1', node: false }, {}, ['node: has no node yet']],
    ['a machine whose node left the cluster', { name: 'm1', nodeGone: true }, {}, ['node: node m1 is not among the control plane nodes']],
    ['a node that is not Ready', { name: 'm1', nodeReady: false }, {}, ['components: node m1 is not Ready']],
    ['a missing etcd member', { name: 'm1', member: 'missing' }, {}, ['datastore: node m1 is not a member of the etcd datastore']],
    ['an unhealthy etcd member', { name: 'm1', member: 'unhealthy' }, {}, ['datastore: etcd member m1 is unhealthy']],
    ['an etcd learner', { name: 'm1', member: 'learner' }, {}, ['datastore: etcd member m1 is still a learner (joining)']],
    ['a dqlite standby, a normal state', { name: 'm1', member: 'standby' }, {}, []],
    ['unknown membership', { name: 'm1' }, { membershipUnknown: 'k8sd timed out' }, ['datastore: datastore membership unknown (k8sd timed out)']],
    [
      'an unreachable workload cluster',
      { name: 'm1' },
      { workloadUnreachable: 'connection refused' },
      ['components: health unknown: workload cluster unreachable (connection refused)'],
    ],
    [
      'an external datastore, whose members are not ours',
      { name: 'm1', member: 'missing' },
      { spec: { controlPlane: { datastoreType: 'external' } } },
      [],
    ],
  ])('describes the health of %s', (_name, machine, world, expected) => {
    expect(problemsOf(machine, world).map((problem) => `${problem.category}: ${problem.message}`)).toEqual(expected);
  });

  it('lists only control plane failure domains, sorted and once', () => {
    const input: ControlPlaneScopeInput = {
      controlPlane: testControlPlane({ machines: [] }),
      cluster: {
        ...testCluster({ machines: [] }),
        status: {
          failureDomains: [
            { name: 'fd-c', controlPlane: true },
            { name: 'fd-a', controlPlane: true },
            { name: 'workers', controlPlane: false },
            { name: 'fd-a', controlPlane: true },
          ],
        },
      },
      machines: [],
      workload: { reachable: false, message: 'not yet' },
      now,
    };
    expect(new ControlPlaneScope(input).failureDomains).toEqual(['fd-a', 'fd-c']);
  });

  it.each([
    ['recorded in status.initialization', { initialization: { controlPlaneInitialized: true } }, false, true],
    ['recorded in the v1beta1 status field', { initialized: true }, false, true],
    ['observed through k8sd-config', {}, true, true],
    ['neither recorded nor observed', {}, false, false],
  ])('is initialized when %s', (_name, status, observed, expected) => {
    const scope = scopeOf({ machines: healthyMachines(1), status, initialized: observed });
    expect(scope.initialized).toBe(expected);
  });

  it('freezes what it was built from, so a phase cannot change what later decisions see', () => {
    const scope = scopeOf({ machines: healthyMachines(1) });
    expect(Object.isFrozen(scope)).toBe(true);
    expect(Object.isFrozen(scope.machines[0]!.machine.metadata)).toBe(true);
    expect(Object.isFrozen(scope.controlPlane.spec)).toBe(true);
  });

  it('defaults replicas to 1 and counts k8s-dqlite as a managed datastore', () => {
    const controlPlane = testControlPlane({ machines: [] });
    delete controlPlane.spec!.replicas;
    const scope = new ControlPlaneScope({ controlPlane, cluster: testCluster({ machines: [] }), machines: [], workload: { reachable: false, message: '' }, now });
    expect(scope.desiredReplicas).toBe(1);
    expect(isDatastoreManaged({ controlPlane: { datastoreType: 'k8s-dqlite' } })).toBe(true);
    expect(isDatastoreManaged({ controlPlane: { datastoreType: 'etcd' } })).toBe(true);
    expect(isDatastoreManaged({})).toBe(true);
    expect(isDatastoreManaged({ controlPlane: { datastoreType: 'external' } })).toBe(false);
  });

  it.each<[string, (input: ControlPlaneScopeInput) => void, RegExp]>([
    ['no spec', (input) => delete input.controlPlane.spec, /^spec: must be set/],
    ['no version', (input) => (input.controlPlane.spec!.version = ''), /^spec\.version: must be set/],
    ['no infrastructure template', (input) => delete input.controlPlane.spec!.machineTemplate, /^spec\.machineTemplate\.infrastructureTemplate: must be set/],
    ['a machine without creation time', (input) => delete input.machines[0]!.machine.metadata.creationTimestamp, /^machine m1: metadata\.creationTimestamp: must be set/],
    ['a machine with a malformed creation time', (input) => (input.machines[0]!.machine.metadata.creationTimestamp = 'yesterday'), /must be an RFC 3339 time/],
  ])('refuses input with %s, naming the field', (_name, spoil, message) => {
    const world = { machines: healthyMachines(1) };
    const scope = scopeOf(world);
    const input: ControlPlaneScopeInput = {
      controlPlane: structuredClone(testControlPlane(world)),
      cluster: testCluster(world),
      machines: scope.machines.map((machine) => structuredClone({ machine: machine.machine })),
      workload: scope.workload,
      now,
    };
    spoil(input);
    expect(() => new ControlPlaneScope(input)).toThrow(message);
  });
});
