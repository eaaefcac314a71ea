import type { ResourceInfo } from '../client/resources';
import type { ListPage, ListWatchTransport, Selection, WatchEvent, WatchRequest } from '../informer/list-watch';
import type { KubeObject } from '../objects';

/**
 * Sits in front of a real list/watch transport and lets a test break things on purpose: cut the open watch as a
 * network failure would, or hold the next watch back while the test changes the world (and, say, compacts history
 * so that the apiserver itself answers 410 Gone). Every request still goes to the real apiserver unchanged.
 */
export class FaultInjectingTransport implements ListWatchTransport {
  readonly watchEventTypes: string[] = [];
  readonly requests: string[] = [];
  private cutCurrent: AbortController | undefined;
  private held: Promise<void> | undefined;

  constructor(private readonly inner: ListWatchTransport) {}

  list<T extends KubeObject>(info: ResourceInfo, selection: Selection, limit: number, continueToken: string | undefined, signal: AbortSignal): Promise<ListPage<T>> {
    this.requests.push(continueToken ? 'list-continue' : 'list');
    return this.inner.list<T>(info, selection, limit, continueToken, signal);
  }

  async *watch<T extends KubeObject>(info: ResourceInfo, request: WatchRequest, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    const held = this.held;
    this.held = undefined;
    if (held) await held;
    this.requests.push(`watch@${request.resourceVersion}`);
    const cut = new AbortController();
    this.cutCurrent = cut;
    for await (const event of this.inner.watch<T>(info, request, AbortSignal.any([signal, cut.signal]))) {
      this.watchEventTypes.push(event.type);
      yield event;
    }
    if (cut.signal.aborted) throw new Error('watch connection cut by the test');
  }

  /** Drops the open watch connection, as a network failure would. */
  cutWatch(): void {
    this.cutCurrent?.abort();
  }

  /** Keeps the next watch from reaching the apiserver until `gate` resolves (a longer network partition). */
  holdNextWatch(gate: Promise<void>): void {
    this.held = gate;
  }
}
