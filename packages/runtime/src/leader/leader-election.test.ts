import { formatMicroTime, heldByAnother, nextLeaseSpec } from './leader-election';

const T = Date.parse('2026-03-01T10:00:00.123Z');

describe('lease decisions', () => {
  it.each([
    // [record, observed ms before now, held by another?]
    [{ holderIdentity: 'other', leaseDurationSeconds: 15 }, 14_999, true],
    [{ holderIdentity: 'other', leaseDurationSeconds: 15 }, 15_000, false],
    [{ holderIdentity: 'other', leaseDurationSeconds: 60 }, 30_000, true],
    [{ holderIdentity: 'me', leaseDurationSeconds: 15 }, 0, false],
    [{ holderIdentity: '', leaseDurationSeconds: 1 }, 0, false],
    [{}, 0, false],
  ])('record %j observed %i ms ago → held by another: %s', (record, ago, expected) => {
    expect(heldByAnother(record, T - ago, T, 'me', 15_000)).toBe(expected);
  });

  it('takes over with a transition and fresh acquireTime, renews keeping acquireTime', () => {
    const taken = nextLeaseSpec({ holderIdentity: 'other', acquireTime: 'earlier', leaseTransitions: 4 }, 'me', T, 15_000);
    expect(taken).toEqual({ holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: '2026-03-01T10:00:00.123000Z', renewTime: '2026-03-01T10:00:00.123000Z', leaseTransitions: 5 });
    const renewed = nextLeaseSpec(taken, 'me', T + 2000, 15_000);
    expect(renewed.acquireTime).toBe(taken.acquireTime);
    expect(renewed.renewTime).toBe(formatMicroTime(T + 2000));
    expect(renewed.leaseTransitions).toBe(5);
    expect(nextLeaseSpec(undefined, 'me', T, 15_000).leaseTransitions).toBe(0);
  });
});
