import { type Condition, findCondition, formatTime, setCondition, summarize } from './conditions';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const T1 = T0 + 60_000;

describe('setCondition', () => {
  it('sets lastTransitionTime when a condition first appears', () => {
    const conditions = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Waiting', message: 'for the cluster' }, T0);
    expect(conditions).toEqual([{ type: 'Ready', status: 'False', reason: 'Waiting', message: 'for the cluster', lastTransitionTime: '2026-01-01T00:00:00Z' }]);
  });

  it.each([
    ['no message', undefined],
    ['an empty message', ''],
  ])('always writes message, empty with %s, because metav1.Condition requires it', (_case, message) => {
    const [condition] = setCondition(undefined, { type: 'Ready', status: 'True', reason: 'Ready', ...(message === undefined ? {} : { message }) }, T0);
    expect(condition).toHaveProperty('message', '');
  });

  it('keeps lastTransitionTime when only reason or message change, so an unchanged list stays equal', () => {
    const first = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Waiting' }, T0);
    const second = setCondition(first, { type: 'Ready', status: 'False', reason: 'StillWaiting', message: 'x' }, T1);
    expect(findCondition(second, 'Ready')?.lastTransitionTime).toBe(formatTime(T0));
    expect(setCondition(first, { type: 'Ready', status: 'False', reason: 'Waiting' }, T1)).toEqual(first);
  });

  it('moves lastTransitionTime when the status changes', () => {
    const first = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Waiting' }, T0);
    expect(findCondition(setCondition(first, { type: 'Ready', status: 'True', reason: 'Ready' }, T1), 'Ready')?.lastTransitionTime).toBe(formatTime(T1));
  });

  it('rejects a reason that is not CamelCase', () => {
    expect(() => setCondition(undefined, { type: 'Ready', status: 'True', reason: 'not ok' }, T0)).toThrow(/reason "not ok" must be CamelCase/);
  });
});

describe('summarize', () => {
  const condition = (type: string, status: Condition['status'], reason: string, message = ''): Condition => ({
    type,
    status,
    reason,
    lastTransitionTime: formatTime(T0),
    message,
  });

  it.each([
    // [conditions, expected status, expected reason]
    [[condition('A', 'True', 'Ok'), condition('B', 'True', 'Ok')], 'True', 'Ready'],
    [[condition('A', 'True', 'Ok'), condition('B', 'False', 'Broken', 'disk full')], 'False', 'Broken'],
    [[condition('A', 'Unknown', 'Checking'), condition('B', 'False', 'Broken')], 'False', 'Broken'],
    [[condition('A', 'Unknown', 'Checking'), condition('B', 'True', 'Ok')], 'Unknown', 'Checking'],
    [[condition('A', 'True', 'Ok')], 'Unknown', 'NotReported'],
  ] as const)('summarises %j as %s/%s', (conditions, status, reason) => {
    const summary = summarize(conditions, { forConditionTypes: ['A', 'B'] });
    expect(summary.type).toBe('Ready');
    expect(summary.status).toBe(status);
    expect(summary.reason).toBe(reason);
  });

  it('lists every offending condition in the message', () => {
    const summary = summarize([condition('A', 'False', 'X', 'a is down'), condition('B', 'False', 'Y', 'b is down')], { forConditionTypes: ['A', 'B'] });
    expect(summary.message).toBe('A: a is down; B: b is down');
  });
});
