import { generate as mergePatchBetween } from 'json-merge-patch';
import { type KindRef, type KubeObject, type ObjectKey, kindId, objectKey } from '../objects';
import { isNotFound } from './errors';
import { type ResourceInfo, ResourceMapper, resourcePath } from './resources';
import type { RestClient } from './rest-client';

const APPLY_PATCH = 'application/apply-patch+yaml';
const MERGE_PATCH = 'application/merge-patch+json';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

interface ListPage<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: T[];
}

/** Page size for list calls, as client-go's pager uses. */
export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** The DeleteOptions body, or none when every option is left to the apiserver's default. */
export function deleteOptionsBody(options: DeleteOptions): Record<string, unknown> | undefined {
  const preconditions = Object.fromEntries(Object.entries(options.preconditions ?? {}).filter(([, value]) => value !== undefined));
  const hasPreconditions = Object.keys(preconditions).length > 0;
  if (!options.propagationPolicy && !hasPreconditions) return undefined;
  return {
    kind: 'DeleteOptions',
    apiVersion: 'v1',
    ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
    ...(hasPreconditions ? { preconditions } : {}),
  };
}

export const LIST_PAGE_SIZE = 500;

/**
 * Reads and writes objects of any kind as plain JSON. Writes that would change nothing are skipped, status goes
 * through the status subresource with an optimistic lock, and server-side apply uses the controller's field manager.
 */
export class ObjectClient {
  readonly resources: ResourceMapper;

  constructor(
    readonly rest: RestClient,
    readonly fieldManager: string,
  ) {
    this.resources = new ResourceMapper(rest);
  }

  async get<T extends KubeObject>(ref: KindRef<T>, key: ObjectKey): Promise<T> {
    const info = await this.resources.resolve(ref);
    return withKind(await this.rest.request<T>({ method: 'GET', path: resourcePath(info, key) }), info);
  }

  /** Like `get`, but `undefined` when the object does not exist. */
  async find<T extends KubeObject>(ref: KindRef<T>, key: ObjectKey): Promise<T | undefined> {
    try {
      return await this.get(ref, key);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Lists every page; for kinds the cache does not hold (read on demand). */
  async list<T extends KubeObject>(ref: KindRef<T>, options: ListOptions = {}): Promise<T[]> {
    const info = await this.resources.resolve(ref);
    const items: T[] = [];
    let continueToken: string | undefined;
    do {
      const page: ListPage<T> = await this.rest.request<ListPage<T>>({
        method: 'GET',
        path: resourcePath(info, { namespace: options.namespace }),
        query: { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: LIST_PAGE_SIZE, continue: continueToken },
      });
      for (const item of page.items ?? []) items.push(withKind(item, info));
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return items;
  }

  async create<T extends KubeObject>(object: T): Promise<T> {
    const info = await this.infoOf(object);
    return withKind(
      await this.rest.request<T>({
        method: 'POST',
        path: resourcePath(info, { namespace: object.metadata.namespace }),
        query: { fieldManager: this.fieldManager },
        body: object,
      }),
      info,
    );
  }

  /** Replaces the object (PUT); the object's resourceVersion is the optimistic lock. */
  async update<T extends KubeObject>(object: T, subresource?: 'status'): Promise<T> {
    const info = await this.infoOf(object);
    return withKind(
      await this.rest.request<T>({
        method: 'PUT',
        path: resourcePath(info, { ...objectKey(object), subresource }),
        query: { fieldManager: this.fieldManager },
        body: object,
      }),
      info,
    );
  }

  /**
   * Server-side apply of the fields in `desired` as this controller's field manager; fields it applied before and
   * leaves out now are removed. `force` takes over fields owned by other managers, as controllers usually must.
   */
  async apply<T extends KubeObject>(desired: T, options: { subresource?: 'status'; force?: boolean; fieldManager?: string } = {}): Promise<T> {
    const info = await this.infoOf(desired);
    const body = { ...desired, metadata: { ...desired.metadata, managedFields: undefined, resourceVersion: undefined } };
    return withKind(
      await this.rest.request<T>({
        method: 'PATCH',
        path: resourcePath(info, { ...objectKey(desired), subresource: options.subresource }),
        query: { fieldManager: options.fieldManager ?? this.fieldManager, force: options.force ?? true },
        contentType: APPLY_PATCH,
        body,
      }),
      info,
    );
  }

  /** Sends a JSON merge patch as is. */
  async mergePatch<T extends KubeObject>(ref: KindRef<T>, key: ObjectKey, patch: object, subresource?: 'status'): Promise<T> {
    const info = await this.resources.resolve(ref);
    return withKind(
      await this.rest.request<T>({
        method: 'PATCH',
        path: resourcePath(info, { ...key, subresource }),
        query: { fieldManager: this.fieldManager },
        contentType: MERGE_PATCH,
        body: patch,
      }),
      info,
    );
  }

  /**
   * Patches everything but `status` from `original` to `modified` with a merge patch; returns `original` untouched
   * when nothing differs. With `optimisticLock` the patch carries original's resourceVersion, so a concurrent change
   * makes it fail with a conflict (needed whenever a list such as finalizers is replaced as a whole).
   */
  async patch<T extends KubeObject>(original: T, modified: T, options: { optimisticLock?: boolean } = {}): Promise<T> {
    const patch = mergePatchBetween(withoutStatus(original), withoutStatus(modified)) as Record<string, unknown> | undefined;
    if (patch === undefined) return original;
    return this.mergePatch(refOf(original), objectKey(original), lockTo(patch, original, options.optimisticLock ?? false));
  }

  /** Patches `status` through the status subresource, always with an optimistic lock; no-op when unchanged. */
  async patchStatus<T extends KubeObject & { status?: unknown }>(original: T, modified: T): Promise<T> {
    const statusPatch: unknown = mergePatchBetween(original.status ?? {}, modified.status ?? {});
    if (statusPatch === undefined) return original;
    return this.mergePatch(refOf(original), objectKey(original), lockTo({ status: statusPatch }, original, true), 'status');
  }

  /**
   * Deletes the object; `false` when it was already gone. Preconditions make the apiserver refuse (409) to delete
   * another incarnation (uid) or a version other than the one a decision was based on (resourceVersion).
   */
  async delete(ref: KindRef, key: ObjectKey, options: DeleteOptions = {}): Promise<boolean> {
    const info = await this.resources.resolve(ref);
    try {
      await this.rest.request({ method: 'DELETE', path: resourcePath(info, key), body: deleteOptionsBody(options) });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Adds the finalizer if missing (optimistically locked); returns the object as now stored. */
  ensureFinalizer<T extends KubeObject>(object: T, finalizer: string): Promise<T> {
    const finalizers = object.metadata.finalizers ?? [];
    if (finalizers.includes(finalizer)) return Promise.resolve(object);
    return this.patch(object, { ...object, metadata: { ...object.metadata, finalizers: [...finalizers, finalizer] } }, { optimisticLock: true });
  }

  /** Removes the finalizer if present (optimistically locked); returns the object as now stored. */
  removeFinalizer<T extends KubeObject>(object: T, finalizer: string): Promise<T> {
    const finalizers = object.metadata.finalizers ?? [];
    if (!finalizers.includes(finalizer)) return Promise.resolve(object);
    const remaining = finalizers.filter((name) => name !== finalizer);
    return this.patch(object, { ...object, metadata: { ...object.metadata, finalizers: remaining } }, { optimisticLock: true });
  }

  private infoOf(object: KubeObject): Promise<ResourceInfo> {
    return this.resources.resolve(refOf(object));
  }
}

function refOf<T extends KubeObject>(object: T): KindRef<T> {
  if (!object.apiVersion || !object.kind) {
    throw new Error(`object ${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''} needs apiVersion and kind to be written`);
  }
  return { apiVersion: object.apiVersion, kind: object.kind };
}

function withoutStatus<T extends KubeObject>(object: T): Omit<T, 'status'> {
  const { status: _status, ...rest } = object as T & { status?: unknown };
  return rest;
}

function lockTo(patch: Record<string, unknown>, original: KubeObject, lock: boolean): Record<string, unknown> {
  if (!lock) return patch;
  const resourceVersion = original.metadata.resourceVersion;
  if (!resourceVersion) throw new Error(`cannot lock a patch of ${kindId(refOf(original))} without metadata.resourceVersion`);
  const metadata = (patch['metadata'] ?? {}) as Record<string, unknown>;
  return { ...patch, metadata: { ...metadata, resourceVersion } };
}

/** Lists and single reads of some kinds come back without apiVersion/kind; the runtime always sets them. */
function withKind<T extends KubeObject>(object: T, info: ResourceInfo): T {
  if (object.apiVersion === info.apiVersion && object.kind === info.kind) return object;
  return { ...object, apiVersion: info.apiVersion, kind: info.kind };
}
