import { annotations } from '@capi-ck8s/api';
import { observedLastRemediation, planRemediation, remediateMachineAnnotation } from './remediation';
import { formatRemediationData, parseRemediationData } from './remediation-data';
import { healthyMachines, minutesAgo, now, scopeOf } from './test-fixtures';
import type { TestMachine, TestWorld } from './test-fixtures';

const flagged: Partial<TestMachine> = { healthCheckSucceeded: 'False', ownerRemediated: 'False' };
const nowText = '2026-11-25T12:00:00Z';
const remediationFor = (machine: string, minutes: number, retryCount: number) => ({
  [annotations.remediationFor]: formatRemediationData({ machine, timestamp: minutesAgo(minutes), retryCount }),
});
const inProgress = (machine: string) => ({
  [annotations.remediationInProgress]: formatRemediationData({ machine, timestamp: minutesAgo(1), retryCount: 0 }),
});

/** Three machines, m3 flagged by the health check with a node that is not Ready. */
const threeWithBrokenM3 = (m3: Partial<TestMachine> = {}, world: Partial<TestWorld> = {}): TestWorld => ({
  machines: [{ name: 'm1' }, { name: 'm2' }, { name: 'm3', nodeReady: false, ...flagged, ...m3 }],
  ...world,
});

describe('planRemediation', () => {
  it('remediates an unhealthy machine when the rest stays healthy and keeps quorum', () => {
    expect(planRemediation(scopeOf(threeWithBrokenM3()))).toEqual({
      action: {
        kind: 'remediate',
        machine: 'm3',
        data: { machine: 'm3', timestamp: nowText, retryCount: 0 },
        why: [
          'MachineHealthCheck reports it unhealthy and leaves remediation to the control plane',
          'node m3 is not Ready',
          'the rest of the control plane stays healthy and keeps quorum',
        ],
      },
      recovered: [],
      staleInProgress: undefined,
    });
  });

  // [ behaviour, world, machine remediated ]
  it.each<[string, TestWorld, string]>([
    [
      'the machine carrying remediate-machine before worse ones',
      { machines: [{ name: 'm1', node: false, ...flagged }, { name: 'm2', nodeReady: false, ...flagged, annotations: { [remediateMachineAnnotation]: '' } }, ...healthyMachines(5).slice(2)] },
      'm2',
    ],
    [
      'a machine without node before a datastore problem',
      { machines: [{ name: 'm1', member: 'unhealthy', ...flagged }, { name: 'm2', node: false, ...flagged }, ...healthyMachines(5).slice(2)] },
      'm2',
    ],
    [
      'a datastore problem before a component problem',
      { machines: [{ name: 'm1', nodeReady: false, ...flagged }, { name: 'm2', member: 'unhealthy', ...flagged }, ...healthyMachines(5).slice(2)] },
      'm2',
    ],
    [
      'the oldest among equally broken machines',
      { machines: [{ name: 'm1', nodeReady: false, ...flagged, ageMinutes: 5 }, { name: 'm2', nodeReady: false, ...flagged, ageMinutes: 50 }, ...healthyMachines(5).slice(2)] },
      'm2',
    ],
    [
      'a machine the health check flags for a reason the provider cannot see',
      { machines: [{ name: 'm1' }, { name: 'm2' }, { name: 'm3', ...flagged }] },
      'm3',
    ],
    [
      'one of 5 members when another is down too (5 tolerate one more failure)',
      { machines: [{ name: 'm1', member: 'unhealthy', ...flagged }, { name: 'm2', member: 'unhealthy' }, ...healthyMachines(5).slice(2)] },
      'm1',
    ],
    [
      'the only machine of a control plane whose first initialization failed',
      { initialized: false, machines: [{ name: 'm1', node: false, ...flagged }], workloadUnreachable: 'no API server' },
      'm1',
    ],
    [
      'with an external datastore whose membership is not ours to check',
      { spec: { controlPlane: { datastoreType: 'external' } }, membershipUnknown: 'not managed', ...threeWithBrokenM3() },
      'm3',
    ],
  ])('remediates %s', (_name, world, machine) => {
    expect(planRemediation(scopeOf(world)).action).toMatchObject({ kind: 'remediate', machine });
  });

  it.each<[string, TestWorld]>([
    ['no machine is unhealthy', { machines: healthyMachines(3) }],
    [
      'the health check remediates the machine itself (OwnerRemediated not set)',
      { machines: [...healthyMachines(2), { name: 'm3', healthCheckSucceeded: 'False' }] },
    ],
  ])('does nothing when %s', (_name, world) => {
    expect(planRemediation(scopeOf(world)).action).toEqual({ kind: 'none' });
  });

  // [ behaviour, world, refusal reason, message pattern ]
  it.each<[string, TestWorld, string, RegExp]>([
    ['the machine is already being deleted', threeWithBrokenM3({ deleting: true }), 'WaitingForMachineDeletion', /m3 is already being deleted/],
    [
      'the replacement of a previous remediation is not created yet',
      { replicas: 3, controlPlaneAnnotations: inProgress('m0'), machines: [{ name: 'm1' }, { name: 'm3', nodeReady: false, ...flagged }] },
      'RemediationInProgress',
      /waiting for the replacement of the previous remediation/,
    ],
    [
      'it is the only machine of an initialized control plane',
      { replicas: 1, machines: [{ name: 'm1', nodeReady: false, ...flagged }] },
      'RemediationOfLastMachineRefused',
      /m1 is the only control plane machine/,
    ],
    [
      'another machine is still provisioning',
      { replicas: 3, machines: [{ name: 'm1' }, { name: 'm2', node: false }, { name: 'm3', nodeReady: false, ...flagged }] },
      'WaitingForMachineProvisioning',
      /m2 to finish provisioning/,
    ],
    [
      'another machine is being deleted',
      { machines: [{ name: 'm1' }, { name: 'm2' }, { name: 'm3', nodeReady: false, ...flagged }, { name: 'm4', deleting: true }] },
      'WaitingForMachineDeletion',
      /m4 to finish deleting/,
    ],
    [
      'no other machine is healthy',
      { machines: [{ name: 'm1', nodeReady: false }, { name: 'm2', nodeReady: false, ...flagged }] },
      'ControlPlaneUnhealthy',
      /no other healthy control plane machine would remain after remediating m2/,
    ],
    [
      'removing its member would lose quorum (3 members tolerate no other failure)',
      { machines: [{ name: 'm1' }, { name: 'm2', member: 'unhealthy' }, { name: 'm3', nodeReady: false, ...flagged }] },
      'DatastoreQuorumAtRisk',
      /removing etcd member m3 leaves 2 voting member\(s\), 1 healthy \(m1\); quorum needs 2/,
    ],
    [
      'the membership of the datastore is unknown',
      threeWithBrokenM3({}, { membershipUnknown: 'k8sd timed out' }),
      'DatastoreMembershipUnknown',
      /membership unknown \(k8sd timed out\)/,
    ],
    [
      'maxRetry is reached by a replacement failing within minHealthyPeriod',
      threeWithBrokenM3({ annotations: remediationFor('m0', 10, 2) }, { remediationStrategy: { maxRetry: 2 } }),
      'RemediationMaxRetryReached',
      /m3 replaces m0 .* would be retry 3, above maxRetry 2/,
    ],
    [
      'maxRetry 0 forbids remediating a replacement at all',
      threeWithBrokenM3({ annotations: remediationFor('m0', 10, 0) }, { remediationStrategy: { maxRetry: 0 } }),
      'RemediationMaxRetryReached',
      /retry 1, above maxRetry 0/,
    ],
    [
      'retryPeriod has not passed since the previous remediation',
      threeWithBrokenM3({ annotations: remediationFor('m0', 10, 0) }, { remediationStrategy: { retryPeriod: '30m' } }),
      'WaitingForRemediationRetryPeriod',
      /retry 1 waits for retryPeriod/,
    ],
    [
      'the first machine failed to initialize but its retries are exhausted',
      {
        initialized: false,
        workloadUnreachable: 'no API server',
        remediationStrategy: { maxRetry: 1 },
        machines: [{ name: 'm1', node: false, ...flagged, annotations: remediationFor('m0', 5, 1) }],
      },
      'RemediationMaxRetryReached',
      /retry 2, above maxRetry 1/,
    ],
    [
      'the remediation-for annotation is not valid JSON',
      threeWithBrokenM3({ annotations: { [annotations.remediationFor]: 'garbage' } }),
      'InvalidRemediationAnnotation',
      /machine m3: annotation controlplane\.cluster\.x-k8s\.io\/remediation-for must be JSON/,
    ],
    [
      'retryPeriod is not a duration',
      threeWithBrokenM3({}, { remediationStrategy: { retryPeriod: 'soon' } }),
      'InvalidRemediationStrategy',
      /spec\.remediationStrategy\.retryPeriod must be a non-negative duration/,
    ],
  ])('defers when %s', (_name, world, reason, message) => {
    expect(planRemediation(scopeOf(world)).action).toMatchObject({ kind: 'deferred', reason, message: expect.stringMatching(message) as string });
  });

  it('waits out exactly the rest of retryPeriod', () => {
    const plan = planRemediation(scopeOf(threeWithBrokenM3({ annotations: remediationFor('m0', 10, 0) }, { remediationStrategy: { retryPeriod: '30m' } })));
    expect(plan.action).toMatchObject({ retryAfterSeconds: 20 * 60 });
  });

  // [ behaviour, annotation on the machine, strategy, retryCount recorded ]
  it.each<[string, Record<string, string> | undefined, TestWorld['remediationStrategy'], number]>([
    ['a machine that was never a replacement starts at 0', undefined, { maxRetry: 0 }, 0],
    ['a replacement failing within minHealthyPeriod (default 1h) counts a retry', remediationFor('m0', 59, 1), {}, 2],
    ['a replacement that stayed healthy longer than minHealthyPeriod starts over', remediationFor('m0', 61, 5), { maxRetry: 1 }, 0],
    ['a custom minHealthyPeriod applies', remediationFor('m0', 20, 0), { minHealthyPeriod: '15m', maxRetry: 0 }, 0],
    ['a retry within maxRetry is allowed', remediationFor('m0', 10, 1), { maxRetry: 2 }, 2],
    ['a passed retryPeriod allows the retry', remediationFor('m0', 40, 0), { retryPeriod: '30m' }, 1],
  ])('%s', (_name, machineAnnotations, remediationStrategy, retryCount) => {
    const world = threeWithBrokenM3(machineAnnotations ? { annotations: machineAnnotations } : {}, { remediationStrategy });
    expect(planRemediation(scopeOf(world)).action).toMatchObject({ kind: 'remediate', data: { retryCount } });
  });

  // [ behaviour, world, stale reason pattern or undefined ]
  it.each<[string, TestWorld, RegExp | undefined]>([
    ['waiting for a replacement is not stale', { replicas: 3, controlPlaneAnnotations: inProgress('m0'), machines: healthyMachines(2) }, undefined],
    ['the remediated machine still deleting is not stale', { replicas: 3, controlPlaneAnnotations: inProgress('m3'), machines: [...healthyMachines(2), { name: 'm3', deleting: true }] }, undefined],
    ['no replacement is needed any more', { replicas: 3, controlPlaneAnnotations: inProgress('m0'), machines: healthyMachines(3) }, /m0 is gone and no replacement is needed \(3 of 3/],
    ['the remediated machine was never deleted', { controlPlaneAnnotations: inProgress('m2'), machines: healthyMachines(3) }, /m2 named by .* was never deleted/],
    ['an annotation that is not JSON', { controlPlaneAnnotations: { [annotations.remediationInProgress]: '{' }, machines: healthyMachines(3) }, /must be JSON/],
  ])('reports the remediation-in-progress annotation: %s', (_name, world, stale) => {
    const plan = planRemediation(scopeOf(world));
    if (stale === undefined) expect(plan.staleInProgress).toBeUndefined();
    else expect(plan.staleInProgress).toMatch(stale);
  });

  it('remediates despite a stale remediation-in-progress annotation', () => {
    const plan = planRemediation(scopeOf(threeWithBrokenM3({}, { controlPlaneAnnotations: inProgress('m9') })));
    expect(plan.action).toMatchObject({ kind: 'remediate', machine: 'm3' });
  });

  it('lists machines that recovered before being remediated', () => {
    const plan = planRemediation(scopeOf({ machines: [{ name: 'm1', healthCheckSucceeded: 'True', ownerRemediated: 'False' }, { name: 'm2' }, { name: 'm3' }] }));
    expect(plan.recovered).toEqual(['m1']);
  });
});

describe('observedLastRemediation', () => {
  const previous = { machine: 'old', timestamp: '2026-01-01T00:00:00Z', retryCount: 0 };

  it.each<[string, TestWorld, object | undefined]>([
    ['nothing when there never was a remediation', { machines: healthyMachines(1) }, undefined],
    ['what status already says when no annotation remains', { status: { lastRemediation: previous }, machines: healthyMachines(1) }, previous],
    [
      'the most recent remediation-for among the machines',
      { machines: [{ name: 'm1', annotations: remediationFor('a', 100, 0) }, { name: 'm2', annotations: remediationFor('b', 10, 1) }] },
      { machine: 'b', retryCount: 1 },
    ],
    [
      'the remediation in progress above all',
      { controlPlaneAnnotations: inProgress('c'), machines: [{ name: 'm1', annotations: remediationFor('b', 10, 1) }] },
      { machine: 'c', retryCount: 0 },
    ],
  ])('is %s', (_name, world, expected) => {
    const observed = observedLastRemediation(scopeOf(world));
    if (expected === undefined) expect(observed).toBeUndefined();
    else expect(observed).toMatchObject(expected);
  });
});

describe('remediation data', () => {
  it('round-trips through the annotation format', () => {
    const data = { machine: 'm1', timestamp: now.toISOString(), retryCount: 3 };
    expect(parseRemediationData('key', formatRemediationData(data))).toEqual({ ok: true, data });
  });

  it.each([
    ['not JSON', 'nope'],
    ['no machine', '{"timestamp":"2026-11-25T12:00:00Z","retryCount":0}'],
    ['a bad timestamp', '{"machine":"m1","timestamp":"yesterday","retryCount":0}'],
    ['a negative retryCount', '{"machine":"m1","timestamp":"2026-11-25T12:00:00Z","retryCount":-1}'],
    ['a fractional retryCount', '{"machine":"m1","timestamp":"2026-11-25T12:00:00Z","retryCount":1.5}'],
    ['JSON null', 'null'],
  ])('rejects %s, naming the annotation and the expected shape', (_name, value) => {
    expect(parseRemediationData('the-key', value)).toEqual({ ok: false, message: expect.stringMatching(/^annotation the-key must be JSON \{"machine"/) as string });
  });
});
