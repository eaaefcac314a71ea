import { failureDomainForScaleDown, failureDomainForScaleUp } from './failure-domain';
import { scopeOf } from './test-fixtures';
import type { TestMachine } from './test-fixtures';

const old = 'v1.33.0';

describe('failureDomainForScaleUp', () => {
  it.each<[string, string[], TestMachine[], string | undefined]>([
    ['no failure domain when the Cluster lists none', [], [{ name: 'm1' }], undefined],
    ['the first domain by name when all are empty', ['fd-b', 'fd-a'], [], 'fd-a'],
    ['the domain without any machine', ['fd-a', 'fd-b', 'fd-c'], [{ name: 'm1', failureDomain: 'fd-a' }, { name: 'm2', failureDomain: 'fd-c' }], 'fd-b'],
    [
      'the domain with the fewest up-to-date machines, even if it holds more machines in all',
      ['fd-a', 'fd-b'],
      [
        { name: 'm1', failureDomain: 'fd-a', version: old },
        { name: 'm2', failureDomain: 'fd-a', version: old },
        { name: 'm3', failureDomain: 'fd-b' },
      ],
      'fd-a',
    ],
    [
      'on a tie of up-to-date machines, the domain with fewer machines in all',
      ['fd-a', 'fd-b'],
      [
        { name: 'm1', failureDomain: 'fd-a', version: old },
        { name: 'm2', failureDomain: 'fd-a' },
        { name: 'm3', failureDomain: 'fd-b' },
      ],
      'fd-b',
    ],
    [
      'the domain whose only up-to-date machine is being deleted',
      ['fd-a', 'fd-b'],
      [
        { name: 'm1', failureDomain: 'fd-a' },
        { name: 'm2', failureDomain: 'fd-b', deleting: true },
      ],
      'fd-b',
    ],
    [
      'an empty domain over one still holding a deleting machine',
      ['fd-a', 'fd-b'],
      [{ name: 'm1', failureDomain: 'fd-a', deleting: true, version: old }],
      'fd-b',
    ],
  ])('picks %s', (_name, failureDomains, machines, expected) => {
    expect(failureDomainForScaleUp(scopeOf({ failureDomains, machines })).failureDomain).toBe(expected);
  });
});

describe('failureDomainForScaleDown', () => {
  it.each<[string, string[], TestMachine[], string[]]>([
    ['every candidate when failure domains are not in use', [], [{ name: 'm1' }, { name: 'm2' }], ['m1', 'm2']],
    [
      'machines outside the listed domains first',
      ['fd-a', 'fd-b'],
      [
        { name: 'm1', failureDomain: 'fd-a' },
        { name: 'm2', failureDomain: 'fd-a' },
        { name: 'm3', failureDomain: 'fd-gone' },
        { name: 'm4' },
      ],
      ['m3', 'm4'],
    ],
    [
      'the domain with the most machines',
      ['fd-a', 'fd-b', 'fd-c'],
      [
        { name: 'm1', failureDomain: 'fd-a' },
        { name: 'm2', failureDomain: 'fd-b' },
        { name: 'm3', failureDomain: 'fd-b' },
        { name: 'm4', failureDomain: 'fd-c' },
      ],
      ['m2', 'm3'],
    ],
    [
      'the first such domain by name on a tie',
      ['fd-a', 'fd-b'],
      [
        { name: 'm1', failureDomain: 'fd-b' },
        { name: 'm2', failureDomain: 'fd-a' },
      ],
      ['m2'],
    ],
  ])('narrows to %s', (_name, failureDomains, machines, expected) => {
    const scope = scopeOf({ failureDomains, machines });
    expect(failureDomainForScaleDown(scope, scope.activeMachines()).machines.map((machine) => machine.name)).toEqual(expected);
  });

  it('counts every machine of a domain, not only the candidates', () => {
    const scope = scopeOf({
      failureDomains: ['fd-a', 'fd-b'],
      machines: [
        { name: 'm1', failureDomain: 'fd-a', version: old },
        { name: 'm2', failureDomain: 'fd-b', version: old },
        { name: 'm3', failureDomain: 'fd-b' },
      ],
    });
    const outdated = scope.machinesNeedingRollout();
    const narrowed = failureDomainForScaleDown(scope, outdated);
    expect(narrowed.machines.map((machine) => machine.name)).toEqual(['m2']);
    expect(narrowed.why).toBe('failure domain fd-b has the most machines (2)');
  });
});
