import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { type Clock, realClock, sleep } from '../clock';
import { isAlreadyExists, isConflict, isNotFound } from '../client/errors';
import type { RestClient } from '../client/rest-client';
import type { KubeObject } from '../objects';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  rest: RestClient;
  namespace: string;
  name: string;
  identity: string;
  logger: Logger;
  clock?: Clock;
  /** controller-runtime defaults: 15 s lease, 10 s renew deadline, 2 s retry period. */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  random?: () => number;
  onLeadershipChange?: (leading: boolean) => void;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function formatMicroTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Whether another candidate still holds the lease: it names a holder other than us, and that record has not
 * changed for less than its own leaseDurationSeconds, measured from when we observed it (never from its timestamps,
 * which come from another machine's clock).
 */
export function heldByAnother(record: LeaseSpec, observedAt: number, now: number, identity: string, defaultDurationMs: number): boolean {
  const holder = record.holderIdentity;
  const validForMs = (record.leaseDurationSeconds ?? defaultDurationMs / 1000) * 1000;
  return Boolean(holder) && holder !== identity && observedAt + validForMs > now;
}

/** The record we write to take or keep the lease: renewals keep acquireTime, takeovers count a transition. */
export function nextLeaseSpec(previous: LeaseSpec | undefined, identity: string, now: number, leaseDurationMs: number): LeaseSpec {
  const renewing = previous?.holderIdentity === identity;
  return {
    holderIdentity: identity,
    leaseDurationSeconds: Math.round(leaseDurationMs / 1000),
    acquireTime: renewing && previous.acquireTime ? previous.acquireTime : formatMicroTime(now),
    renewTime: formatMicroTime(now),
    leaseTransitions: renewing ? (previous.leaseTransitions ?? 0) : (previous?.leaseTransitions ?? -1) + 1,
  };
}

/**
 * client-go's leader election on a coordination.k8s.io/v1 Lease. Another holder's lease counts as expired only when
 * its record has not changed for its own leaseDurationSeconds as measured on our clock (never comparing clocks
 * across machines); every write carries the resourceVersion read, so two candidates cannot both win.
 */
export class LeaderElector {
  private readonly options: Required<Omit<LeaderElectionOptions, 'onLeadershipChange'>> & Pick<LeaderElectionOptions, 'onLeadershipChange'>;
  private observed: { spec: LeaseSpec; at: number; resourceVersion: string } | undefined;
  private leading = false;

  constructor(options: LeaderElectionOptions) {
    this.options = {
      clock: realClock,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      random: Math.random,
      ...options,
    };
    const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = this.options;
    if (!(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs * 1.2)) {
      throw new Error('leader election: leaseDuration must exceed renewDeadline, which must exceed 1.2 × retryPeriod');
    }
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Waits until this candidate holds the lease; resolves `false` if `signal` aborts first. */
  async acquire(signal: AbortSignal): Promise<boolean> {
    const { clock, retryPeriodMs, logger } = this.options;
    logger.info({ lease: this.leaseName() }, 'attempting to acquire leader lease');
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) {
        this.setLeading(true);
        logger.info({ lease: this.leaseName() }, 'successfully acquired lease');
        return true;
      }
      await sleep(clock, this.jittered(retryPeriodMs), signal);
    }
    return false;
  }

  /**
   * Renews every retry period until `signal` aborts (then releases the lease and resolves `true`) or until no
   * renewal succeeds within the renew deadline (leadership lost: resolves `false`).
   */
  async holdUntil(signal: AbortSignal): Promise<boolean> {
    const { clock, retryPeriodMs, renewDeadlineMs, logger } = this.options;
    let lastRenewal = clock.now();
    while (!signal.aborted) {
      await sleep(clock, retryPeriodMs, signal);
      if (signal.aborted) break;
      if (await this.tryAcquireOrRenew(AbortSignal.any([signal, AbortSignal.timeout(renewDeadlineMs)]))) {
        lastRenewal = clock.now();
      } else if (clock.now() - lastRenewal >= renewDeadlineMs) {
        this.setLeading(false);
        logger.error({ lease: this.leaseName() }, 'failed to renew lease within the renew deadline; leadership lost');
        return false;
      }
    }
    await this.release();
    return true;
  }

  /** Gives the lease up at once so another candidate can take over without waiting for expiry. */
  async release(): Promise<void> {
    if (!this.leading || !this.observed) return;
    const now = this.options.clock.now();
    const spec: LeaseSpec = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: formatMicroTime(now),
      renewTime: formatMicroTime(now),
      leaseTransitions: this.observed.spec.leaseTransitions ?? 0,
    };
    try {
      await this.write('PUT', spec, this.observed.resourceVersion, AbortSignal.timeout(this.options.renewDeadlineMs));
      this.options.logger.info({ lease: this.leaseName() }, 'released leader lease');
    } catch (error) {
      this.options.logger.warn({ lease: this.leaseName(), err: error }, 'failed to release leader lease');
    }
    this.setLeading(false);
  }

  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { clock, identity, leaseDurationMs, logger } = this.options;
    const now = clock.now();
    try {
      const lease = await this.read(signal);
      if (!lease) {
        await this.write('POST', nextLeaseSpec(undefined, identity, now, leaseDurationMs), undefined, signal);
        return true;
      }
      const current = lease.spec ?? {};
      if (!this.observed || !isDeepStrictEqual(this.observed.spec, current)) {
        this.observed = { spec: current, at: now, resourceVersion: lease.metadata.resourceVersion ?? '' };
      }
      if (heldByAnother(current, this.observed.at, now, identity, leaseDurationMs)) return false;
      await this.write('PUT', nextLeaseSpec(current, identity, now, leaseDurationMs), lease.metadata.resourceVersion, signal);
      return true;
    } catch (error) {
      if (!isConflict(error) && !isAlreadyExists(error)) logger.warn({ lease: this.leaseName(), err: error }, 'lease update failed');
      return false;
    }
  }

  private async read(signal: AbortSignal): Promise<Lease | undefined> {
    try {
      return await this.options.rest.request<Lease>({ method: 'GET', path: this.path(true), signal });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async write(method: 'POST' | 'PUT', spec: LeaseSpec, resourceVersion: string | undefined, signal: AbortSignal): Promise<void> {
    const { namespace, name, clock } = this.options;
    const body: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) },
      spec,
    };
    const written = await this.options.rest.request<Lease>({ method, path: this.path(method === 'PUT'), body, signal });
    this.observed = { spec: written.spec ?? spec, at: clock.now(), resourceVersion: written.metadata.resourceVersion ?? '' };
  }

  private path(item: boolean): string {
    const { namespace, name } = this.options;
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases${item ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private leaseName(): string {
    return `${this.options.namespace}/${this.options.name}`;
  }

  private jittered(ms: number): number {
    // client-go's JitterFactor 1.2: wait between 1× and 2.2× the period.
    return ms * (1 + this.options.random() * 1.2);
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.options.onLeadershipChange?.(leading);
  }
}
