import { annotations } from '@capi-ck8s/api';
import { selectMachineForScaleDown } from './select-scale-down';
import { scopeOf } from './test-fixtures';
import type { TestMachine } from './test-fixtures';

const old = 'v1.33.0';
const marked = { [annotations.deleteMachine]: '' };

describe('selectMachineForScaleDown', () => {
  it.each<[string, string[], TestMachine[], string]>([
    ['the oldest machine when nothing else tells them apart', [], [{ name: 'm2', ageMinutes: 50 }, { name: 'm1', ageMinutes: 10 }, { name: 'm3', ageMinutes: 30 }], 'm2'],
    ['the first name when machines are equally old', [], [{ name: 'm2', ageMinutes: 10 }, { name: 'm1', ageMinutes: 10 }], 'm1'],
    [
      'a machine marked for deletion over an older outdated one',
      [],
      [{ name: 'm1', version: old, ageMinutes: 100 }, { name: 'm2', annotations: marked, ageMinutes: 1 }],
      'm2',
    ],
    [
      'an outdated marked machine over an up-to-date marked one',
      [],
      [
        { name: 'm1', annotations: marked, ageMinutes: 100 },
        { name: 'm2', annotations: marked, version: old, ageMinutes: 1 },
      ],
      'm2',
    ],
    [
      'an outdated unhealthy machine over an older outdated healthy one',
      [],
      [
        { name: 'm1', version: old, ageMinutes: 100 },
        { name: 'm2', version: old, nodeReady: false, ageMinutes: 1 },
      ],
      'm2',
    ],
    ['an outdated machine over an older up-to-date one', [], [{ name: 'm1', ageMinutes: 100 }, { name: 'm2', version: old, ageMinutes: 1 }], 'm2'],
    [
      'the oldest machine in the failure domain with the most machines',
      ['fd-a', 'fd-b'],
      [
        { name: 'm1', failureDomain: 'fd-a', ageMinutes: 100 },
        { name: 'm2', failureDomain: 'fd-b', ageMinutes: 20 },
        { name: 'm3', failureDomain: 'fd-b', ageMinutes: 30 },
      ],
      'm3',
    ],
    [
      'a machine outside the known failure domains over an older one in the biggest domain',
      ['fd-a'],
      [
        { name: 'm1', failureDomain: 'fd-a', ageMinutes: 100 },
        { name: 'm2', failureDomain: 'fd-a', ageMinutes: 90 },
        { name: 'm3', failureDomain: 'fd-removed', ageMinutes: 1 },
      ],
      'm3',
    ],
    [
      'among mixed failure domains, the outdated machine of the crowded domain',
      ['fd-a', 'fd-b', 'fd-c'],
      [
        { name: 'm1', failureDomain: 'fd-a', version: old, ageMinutes: 100 },
        { name: 'm2', failureDomain: 'fd-b', version: old, ageMinutes: 90 },
        { name: 'm3', failureDomain: 'fd-c', version: old, ageMinutes: 80 },
        { name: 'm4', failureDomain: 'fd-c', ageMinutes: 1 },
      ],
      'm3',
    ],
    ['never a machine already being deleted', [], [{ name: 'm1', deleting: true, ageMinutes: 100 }, { name: 'm2', ageMinutes: 1 }], 'm2'],
  ])('picks %s', (_name, failureDomains, machines, expected) => {
    expect(selectMachineForScaleDown(scopeOf({ failureDomains, machines }))?.machine.name).toBe(expected);
  });

  it('explains each narrowing step', () => {
    const choice = selectMachineForScaleDown(
      scopeOf({ failureDomains: ['fd-a', 'fd-b'], machines: [{ name: 'm1', failureDomain: 'fd-a', version: old }, { name: 'm2', failureDomain: 'fd-b' }] }),
    );
    expect(choice?.why).toEqual(['outdated', 'failure domain fd-a has the most machines (1)', 'oldest']);
  });

  it('has no choice when every machine is being deleted', () => {
    expect(selectMachineForScaleDown(scopeOf({ machines: [{ name: 'm1', deleting: true }] }))).toBeUndefined();
  });
});
