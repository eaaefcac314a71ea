import { applyChanges } from '../annotations';
import {
  backoffAfter,
  failedChanges,
  finishedChanges,
  formatRfc1123z,
  nextUpgradeStep,
  type UpgradePolicy,
  upgradeState,
} from './state';

const policy: UpgradePolicy = { maxAttempts: 3, backoffBaseMs: 1000, backoffMaxMs: 3000, pollMs: 100 };
const now = Date.parse('2026-11-25T10:00:00Z');
const to = 'v1beta2.k8sd.io/in-place-upgrade-to';
const status = 'v1beta2.k8sd.io/in-place-upgrade-status';
const changeId = 'v1beta2.k8sd.io/in-place-upgrade-change-id';
const lastFailed = 'v1beta2.k8sd.io/in-place-upgrade-last-failed-attempt-at';
const attempts = 'v1beta2.k8sd.io/in-place-upgrade-failed-attempts';

describe('nextUpgradeStep', () => {
  it.each([
    ['no request: nothing to do', {}, { kind: 'idle' }],
    ['a request starts a snap refresh', { [to]: 'channel=1.34-classic/stable' }, { kind: 'start', target: { option: 'channel', value: '1.34-classic/stable' }, attempt: 1 }],
    ['a running change is polled', { [to]: 'revision=42', [status]: 'in-progress', [changeId]: '7' }, { kind: 'poll', changeId: '7', attempt: 1 }],
    ['a malformed request is reported', { [to]: 'latest' }, { kind: 'invalid', message: expect.stringContaining('must be channel=<channel>') as unknown }],
    ['in progress without a change id cannot be followed', { [to]: 'revision=42', [status]: 'in-progress' }, { kind: 'lost', reason: 'in progress without a change id', attempt: 1 }],
    ['an unknown status cannot be followed', { [to]: 'revision=42', [status]: 'paused' }, { kind: 'lost', reason: 'unknown status "paused"', attempt: 1 }],
    ['a failure waits out its backoff', { [to]: 'revision=42', [status]: 'failed', [attempts]: '2:revision=42', [lastFailed]: formatRfc1123z(now - 1000) }, { kind: 'backoff', delayMs: 1000 }],
    ['a failure is retried once its backoff passed', { [to]: 'revision=42', [status]: 'failed', [attempts]: '2:revision=42', [lastFailed]: formatRfc1123z(now - 2000) }, { kind: 'start', target: { option: 'revision', value: '42' }, attempt: 3 }],
    ['the attempts are bounded', { [to]: 'revision=42', [status]: 'failed', [attempts]: '3:revision=42', [lastFailed]: formatRfc1123z(now - 60_000) }, { kind: 'exhausted', attempts: 3 }],
    ['failures of an earlier target do not count', { [to]: 'revision=43', [status]: 'failed', [attempts]: '3:revision=42', [lastFailed]: formatRfc1123z(now) }, { kind: 'start', target: { option: 'revision', value: '43' }, attempt: 1 }],
    ['a finished change is recorded as the release', { [to]: 'revision=42', [status]: 'done', [changeId]: '7' }, { kind: 'finish', release: 'revision=42' }],
    ['a new request after an earlier upgrade starts', { [to]: 'revision=43', [status]: 'done', 'v1beta2.k8sd.io/in-place-upgrade-release': 'revision=42' }, { kind: 'start', target: { option: 'revision', value: '43' }, attempt: 1 }],
    ["upstream's failed status without a count is one failure", { [to]: 'revision=42', [status]: 'failed' }, { kind: 'start', target: { option: 'revision', value: '42' }, attempt: 2 }],
  ])('%s', (_name, machineAnnotations, expected) => {
    expect(nextUpgradeStep(upgradeState(machineAnnotations), now, policy)).toEqual(expected);
  });
});

describe('annotation changes', () => {
  it('records a failure with its time in RFC 1123Z and the attempt count, dropping the change id', () => {
    const next = applyChanges({ [to]: 'revision=42', [status]: 'in-progress', [changeId]: '7' }, failedChanges(now, 2, 'revision=42'));
    expect(next).toEqual({ [to]: 'revision=42', [status]: 'failed', [lastFailed]: 'Wed, 25 Nov 2026 10:00:00 +0000', [attempts]: '2:revision=42' });
  });

  it('turns a finished upgrade into the release and forgets the request', () => {
    const next = applyChanges({ [to]: 'revision=42', [status]: 'done', [attempts]: '1:revision=42', other: 'kept' }, finishedChanges('revision=42'));
    expect(next).toEqual({ [status]: 'done', 'v1beta2.k8sd.io/in-place-upgrade-release': 'revision=42', other: 'kept' });
  });
});

describe('backoffAfter', () => {
  it('doubles from the base up to the maximum', () => {
    expect([1, 2, 3, 4].map((failures) => backoffAfter(failures, policy))).toEqual([1000, 2000, 3000, 3000]);
  });
});
