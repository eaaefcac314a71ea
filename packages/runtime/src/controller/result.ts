import { isConflict } from '../client/errors';
import type { ReconcileResultLabel } from '../metrics/metrics';

/** What a reconcile returns when it does not throw. */
export type Result = { readonly kind: 'done' } | { readonly kind: 'requeueAfter'; readonly delayMs: number };

export const done: Result = Object.freeze({ kind: 'done' });

/** Reconcile again after `delayMs` even if nothing changes (e.g. to poll something outside the cluster). */
export function requeueAfter(delayMs: number): Result {
  if (!(delayMs > 0)) throw new Error(`requeueAfter: delayMs must be > 0 (got ${delayMs})`);
  return { kind: 'requeueAfter', delayMs };
}

/** An error that retrying cannot fix: it is recorded and logged, and the key is not requeued. */
export class TerminalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export type Outcome = { result: Result | undefined } | { error: unknown };

export interface Decision {
  /** forget: clear backoff; rateLimited: requeue with backoff; after: clear backoff and requeue after delayMs. */
  queue: 'forget' | 'rateLimited' | 'after';
  delayMs?: number;
  metric: ReconcileResultLabel;
  error: 'none' | 'retriable' | 'terminal';
  /** A conflict is expected under concurrency: requeue quietly instead of logging an error. */
  logLevel: 'debug' | 'error';
}

/**
 * The single place where a reconcile's outcome is interpreted (controller-runtime's reconcileHandler): what
 * happens to the key in the queue, which reconcile_total result is counted, and how loudly to log.
 */
export function decide(outcome: Outcome): Decision {
  if ('error' in outcome) {
    if (outcome.error instanceof TerminalError) return { queue: 'forget', metric: 'error', error: 'terminal', logLevel: 'error' };
    if (isConflict(outcome.error)) return { queue: 'rateLimited', metric: 'requeue', error: 'none', logLevel: 'debug' };
    return { queue: 'rateLimited', metric: 'error', error: 'retriable', logLevel: 'error' };
  }
  const result = outcome.result ?? done;
  if (result.kind === 'requeueAfter') {
    return { queue: 'after', delayMs: result.delayMs, metric: 'requeue_after', error: 'none', logLevel: 'debug' };
  }
  return { queue: 'forget', metric: 'success', error: 'none', logLevel: 'debug' };
}
