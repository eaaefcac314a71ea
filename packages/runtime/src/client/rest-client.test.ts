import { ApiError } from './errors';
import { retryPauseMs } from './rest-client';

describe('throttled requests', () => {
  it.each([
    // [error, attempt, pause]
    [new ApiError(429, 'GET', undefined, 2), 1, 2000],
    [new ApiError(429, 'GET', undefined, 60), 1, 10_000],
    [new ApiError(429, 'GET', undefined, 1), 5, undefined],
    [new ApiError(429, 'GET'), 1, undefined],
    [new ApiError(500, 'GET', undefined, 1), 1, undefined],
    [new Error('ECONNRESET'), 1, undefined],
  ])('%s on attempt %i waits %s ms', (error, attempt, pause) => {
    expect(retryPauseMs(error, attempt)).toBe(pause);
  });
});
