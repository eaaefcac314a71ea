import { Waiting } from '../dependencies';
import { releasesInitLock } from './init';
import { judgeLock, parseLockInformation } from './init-lock';

describe('parseLockInformation', () => {
  it.each([
    ['upstream JSON', '{"machineName":"cp-0"}', { machineName: 'cp-0' }],
    ['nothing', undefined, undefined],
    ['not JSON', 'cp-0', undefined],
    ['JSON without a machine', '{"machine":"cp-0"}', undefined],
    ['an empty machine name', '{"machineName":""}', undefined],
    ['null', 'null', undefined],
  ])('%s', (_name, text, expected) => {
    expect(parseLockInformation(text)).toEqual(expected);
  });
});

describe('judgeLock', () => {
  it.each([
    ['a lock naming this machine is ours', { machineName: 'cp-0' }, true, 'ours'],
    ['a lock naming another live machine is held', { machineName: 'cp-1' }, true, 'held'],
    ['a lock naming a deleted machine is stale', { machineName: 'cp-1' }, false, 'stale'],
    ['an unreadable lock is stale', undefined, false, 'stale'],
  ] as const)('%s', (_name, holder, holderExists, expected) => {
    expect(judgeLock(holder, 'cp-0', holderExists)).toBe(expected);
  });
});

describe('releasesInitLock', () => {
  it.each([
    ['a spec that cannot be bootstrapped', new Waiting('DataSecretGenerationFailed', 'bad channel'), true],
    ['waiting for the cluster token', new Waiting('WaitingForControlPlaneAvailable', 'no token'), false],
    ['an API error', new Error('connection refused'), false],
  ])('%s → %s', (_name, error, expected) => {
    expect(releasesInitLock(error)).toBe(expected);
  });
});
