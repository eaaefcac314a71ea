import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from './clock';
import { isNotFound } from './client/errors';
import type { ObjectClient } from './client/object-client';
import { formatTime } from './conditions';
import { type KubeObject, kindRef } from './objects';

export type EventType = 'Normal' | 'Warning';

type CoreEvent = KubeObject & { count?: number } & Record<string, unknown>;

const EVENT = kindRef<CoreEvent>('v1', 'Event');
/** Repeats within this window update one Event (count, lastTimestamp) instead of creating another. */
const AGGREGATION_WINDOW_MS = 10 * 60 * 1000;
const MAX_REMEMBERED = 4096;

interface Remembered {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeen: number;
}

/**
 * Records core/v1 Events about objects, as client-go's recorder does: identical events (same object, type,
 * reason, message) within ten minutes are folded into one Event whose count goes up. Writes happen in the
 * background and never fail a reconcile; messages must not contain secret values.
 */
export class EventRecorder {
  private readonly remembered = new Map<string, Remembered>();
  private pending: Promise<void> = Promise.resolve();
  private readonly host = hostname();
  private sequence = 0;

  constructor(
    private readonly client: ObjectClient,
    private readonly component: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  event(object: KubeObject, type: EventType, reason: string, message: string): void {
    this.pending = this.pending.then(() => this.write(object, type, reason, message)).catch((error: unknown) => {
      this.logger.warn({ err: error, reason }, 'could not record event');
    });
  }

  /** Resolves when every event recorded so far has been written (or failed). */
  flush(): Promise<void> {
    return this.pending;
  }

  private async write(object: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const now = this.clock.now();
    const key = JSON.stringify([object.metadata.uid, object.kind, object.metadata.namespace, object.metadata.name, type, reason, message]);
    const previous = this.remembered.get(key);
    if (previous && now - previous.lastSeen < AGGREGATION_WINDOW_MS) {
      previous.count++;
      previous.lastSeen = now;
      this.remember(key, previous);
      try {
        await this.client.mergePatch(EVENT, { namespace: previous.namespace, name: previous.name }, { count: previous.count, lastTimestamp: formatTime(now) });
        return;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    const namespace = object.metadata.namespace || 'default';
    // Time plus a sequence number: two events about one object in the same millisecond still get distinct names.
    const name = `${object.metadata.name ?? 'object'}.${now.toString(16)}${(this.sequence++ % 0x1000).toString(16).padStart(3, '0')}`;
    const timestamp = formatTime(now);
    await this.client.create<CoreEvent>({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      type,
      reason,
      message,
      source: { component: this.component, host: this.host },
      reportingComponent: this.component,
      reportingInstance: this.host,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      count: 1,
    });
    this.remember(key, { name, namespace, count: 1, firstTimestamp: timestamp, lastSeen: now });
  }

  private remember(key: string, entry: Remembered): void {
    this.remembered.delete(key);
    this.remembered.set(key, entry);
    // Maps iterate in insertion order, so the first key is the least recently written.
    if (this.remembered.size > MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value ?? '');
  }
}
