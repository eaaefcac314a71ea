import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { ApiError, type StatusBody } from '../client/errors';
import { type ResourceInfo, resourcePath } from '../client/resources';
import type { RestClient } from '../client/rest-client';
import type { KubeObject } from '../objects';

export interface Selection {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ListPage<T extends KubeObject> {
  items: T[];
  resourceVersion: string;
  continueToken?: string;
}

export type WatchEvent<T extends KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; object: KubeObject }
  | { type: 'ERROR'; object: StatusBody };

export interface WatchRequest extends Selection {
  resourceVersion: string;
  timeoutSeconds: number;
  /** Abort the watch when no line (event or bookmark) arrives for this long: the connection may be dead. */
  inactivityTimeoutMs: number;
}

/** How an informer talks to the apiserver; a seam so that tests can inject faults in front of the real server. */
export interface ListWatchTransport {
  list<T extends KubeObject>(info: ResourceInfo, selection: Selection, limit: number, continueToken: string | undefined, signal: AbortSignal): Promise<ListPage<T>>;
  watch<T extends KubeObject>(info: ResourceInfo, request: WatchRequest, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
}

/** Lists and watches through a {@link RestClient}, requesting bookmarks on every watch. */
export class RestListWatch implements ListWatchTransport {
  constructor(private readonly rest: RestClient) {}

  async list<T extends KubeObject>(info: ResourceInfo, selection: Selection, limit: number, continueToken: string | undefined, signal: AbortSignal): Promise<ListPage<T>> {
    const page = await this.rest.request<{ items?: T[]; metadata?: { resourceVersion?: string; continue?: string } }>({
      method: 'GET',
      path: resourcePath(info, { namespace: selection.namespace }),
      query: { labelSelector: selection.labelSelector, fieldSelector: selection.fieldSelector, limit, continue: continueToken },
      signal,
    });
    return {
      items: (page.items ?? []).map((item) => ({ ...item, apiVersion: info.apiVersion, kind: info.kind })),
      resourceVersion: page.metadata?.resourceVersion ?? '',
      ...(page.metadata?.continue ? { continueToken: page.metadata.continue } : {}),
    };
  }

  async *watch<T extends KubeObject>(info: ResourceInfo, request: WatchRequest, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    const inactivity = new AbortController();
    const combined = AbortSignal.any([signal, inactivity.signal]);
    let timer: NodeJS.Timeout | undefined;
    const rearm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => inactivity.abort(new Error(`watch received nothing for ${request.inactivityTimeoutMs} ms`)), request.inactivityTimeoutMs);
      timer.unref();
    };
    rearm();
    try {
      const response = await this.rest.send({
        method: 'GET',
        path: resourcePath(info, { namespace: request.namespace }),
        query: {
          watch: true,
          allowWatchBookmarks: true,
          resourceVersion: request.resourceVersion,
          timeoutSeconds: request.timeoutSeconds,
          labelSelector: request.labelSelector,
          fieldSelector: request.fieldSelector,
        },
        signal: combined,
      });
      if (!response.body) return;
      const lines = createInterface({ input: Readable.fromWeb(response.body), crlfDelay: Infinity });
      for await (const line of lines) {
        rearm();
        if (!line.trim()) continue;
        yield parseEvent<T>(line, info);
      }
    } catch (error) {
      if (inactivity.signal.aborted && !signal.aborted) throw inactivity.signal.reason as Error;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseEvent<T extends KubeObject>(line: string, info: ResourceInfo): WatchEvent<T> {
  const event = JSON.parse(line) as { type?: string; object?: Record<string, unknown> };
  switch (event.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      return { type: event.type, object: { ...(event.object as unknown as T), apiVersion: info.apiVersion, kind: info.kind } };
    case 'BOOKMARK':
      return { type: 'BOOKMARK', object: event.object as unknown as KubeObject };
    case 'ERROR':
      return { type: 'ERROR', object: (event.object ?? {}) };
    default:
      throw new Error(`watch of ${info.plural} sent an event of unknown type "${String(event.type)}"`);
  }
}

/** Turns an ERROR watch event into the ApiError it stands for (410 means "relist"). */
export function watchErrorToApiError(status: StatusBody, info: ResourceInfo): ApiError {
  return new ApiError(status.code ?? 500, `watch ${info.plural}`, status);
}
