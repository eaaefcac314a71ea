import { ApiError } from '../client/errors';
import { decide, done, requeueAfter, TerminalError } from './result';

describe('decide (the one place a reconcile outcome is interpreted)', () => {
  it.each([
    ['done', { result: done }, { queue: 'forget', metric: 'success', error: 'none', logLevel: 'debug' }],
    ['no result', { result: undefined }, { queue: 'forget', metric: 'success', error: 'none', logLevel: 'debug' }],
    ['requeueAfter', { result: requeueAfter(30_000) }, { queue: 'after', delayMs: 30_000, metric: 'requeue_after', error: 'none', logLevel: 'debug' }],
    ['an error', { error: new Error('boom') }, { queue: 'rateLimited', metric: 'error', error: 'retriable', logLevel: 'error' }],
    ['a terminal error', { error: new TerminalError('bad spec') }, { queue: 'forget', metric: 'error', error: 'terminal', logLevel: 'error' }],
    ['a conflict', { error: new ApiError(409, 'PATCH', { reason: 'Conflict' }) }, { queue: 'rateLimited', metric: 'requeue', error: 'none', logLevel: 'debug' }],
    ['AlreadyExists', { error: new ApiError(409, 'POST', { reason: 'AlreadyExists' }) }, { queue: 'rateLimited', metric: 'error', error: 'retriable', logLevel: 'error' }],
  ])('%s', (_name, outcome, expected) => {
    expect(decide(outcome)).toEqual(expected);
  });

  it('rejects a non-positive requeueAfter', () => {
    expect(() => requeueAfter(0)).toThrow(/delayMs must be > 0/);
  });
});
