import type { UpgradePolicy } from '../inplace-upgrade/state';
import { machineRequestChanges, type MachineView, nextDeploymentStep } from './plan';

const policy: UpgradePolicy = { maxAttempts: 2, backoffBaseMs: 1000, backoffMaxMs: 1000, pollMs: 100 };
const to = 'v1beta2.k8sd.io/in-place-upgrade-to';
const release = 'v1beta2.k8sd.io/in-place-upgrade-release';
const status = 'v1beta2.k8sd.io/in-place-upgrade-status';
const attempts = 'v1beta2.k8sd.io/in-place-upgrade-failed-attempts';
const target = 'channel=1.34-classic/stable';

function machine(name: string, uid: string, annotations: Record<string, string> = {}, deleting = false): MachineView {
  return { name, uid, annotations, deleting };
}

describe('nextDeploymentStep', () => {
  it.each([
    ['nothing requested', {}, [machine('a', '1')], { kind: 'idle' }],
    ['the first Machine by uid is upgraded first', { [to]: target }, [machine('b', '2'), machine('a', '1')], { kind: 'upgrade', machine: 'a', target }],
    ['a Machine being upgraded is waited for', { [to]: target }, [machine('a', '1', { [to]: target, [status]: 'in-progress' }), machine('b', '2')], { kind: 'wait', reason: 'Machine a is being upgraded' }],
    ['a Machine still retrying is waited for', { [to]: target }, [machine('a', '1', { [to]: target, [status]: 'failed', [attempts]: `1:${target}` })], { kind: 'wait', reason: 'Machine a is being upgraded' }],
    ['a Machine out of attempts fails the deployment', { [to]: target }, [machine('a', '1', { [to]: target, [status]: 'failed', [attempts]: `2:${target}` })], { kind: 'failed', machine: 'a', target }],
    ['upgraded Machines are skipped', { [to]: target }, [machine('a', '1', { [release]: target }), machine('b', '2')], { kind: 'upgrade', machine: 'b', target }],
    ['a deleting Machine is waited for', { [to]: target }, [machine('a', '1', {}, true)], { kind: 'wait', reason: 'Machine a is being deleted' }],
    ['all at the target completes the request', { [to]: target }, [machine('a', '1', { [release]: target })], { kind: 'complete', target }],
    ['a Machine added after completion is brought to the release', { [release]: target }, [machine('a', '1', { [release]: target }), machine('c', '3')], { kind: 'upgrade', machine: 'c', target }],
    ['nothing to do once every Machine has the release', { [release]: target }, [machine('a', '1', { [release]: target })], { kind: 'idle' }],
  ])('%s', (_name, deploymentAnnotations, machines, expected) => {
    expect(nextDeploymentStep(deploymentAnnotations, machines, policy, Date.parse('2026-11-25T10:00:00Z'))).toEqual(expected);
  });
});

describe('machineRequestChanges', () => {
  it('asks for the target and clears what an earlier upgrade left', () => {
    expect(machineRequestChanges(target)).toEqual({
      [to]: target,
      [status]: null,
      'v1beta2.k8sd.io/in-place-upgrade-change-id': null,
      [release]: null,
      'v1beta2.k8sd.io/in-place-upgrade-last-failed-attempt-at': null,
      [attempts]: null,
    });
  });
});
