// The init lock: a ConfigMap <cluster>-lock naming the one control plane machine allowed to initialise the cluster,
// so that machines created together never both bootstrap a cluster of their own.
import { clusterObjectNames, lockInformationKey } from '@capi-ck8s/api';
import {
  controllerReference,
  isAlreadyExists,
  isConflict,
  isNotFound,
  type ObjectClient,
  resourcePath,
  type RestClient,
} from '@capi-ck8s/runtime';
import { type ConfigMap, kinds, type ClusterObject } from '../../../kinds';

export interface LockHolder {
  machineName: string;
}

/** The holder recorded in the lock, or undefined when the lock is unreadable (treated as stale). */
export function parseLockInformation(text: string | undefined): LockHolder | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    const machineName = (parsed as { machineName?: unknown } | null)?.machineName;
    return typeof machineName === 'string' && machineName !== '' ? { machineName } : undefined;
  } catch {
    return undefined;
  }
}

export type LockVerdict = 'ours' | 'held' | 'stale';

/** A lock is ours when it names our machine, stale when it names nothing readable or a machine that no longer exists. */
export function judgeLock(holder: LockHolder | undefined, machineName: string, holderExists: boolean): LockVerdict {
  if (!holder) return 'stale';
  if (holder.machineName === machineName) return 'ours';
  return holderExists ? 'held' : 'stale';
}

export type LockAttempt = { acquired: true } | { acquired: false; holder: string };

/** Tries to take a stale lock over this many times before reporting it as held (each try is one API round trip). */
const TAKEOVER_ATTEMPTS = 3;

export class InitLock {
  constructor(
    private readonly client: ObjectClient,
    private readonly rest: RestClient,
  ) {}

  async acquire(cluster: ClusterObject, machineName: string): Promise<LockAttempt> {
    const namespace = cluster.metadata.namespace ?? '';
    const name = clusterObjectNames.initLock(cluster.metadata.name ?? '');
    for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
      if (await this.create(cluster, name, machineName)) return { acquired: true };
      const existing = await this.client.find(kinds.configMap, { namespace, name });
      if (!existing) continue;
      const holder = parseLockInformation(existing.data?.[lockInformationKey]);
      const holderExists = holder ? (await this.client.find(kinds.machine, { namespace, name: holder.machineName })) !== undefined : false;
      const verdict = judgeLock(holder, machineName, holderExists);
      if (verdict === 'ours') return { acquired: true };
      if (verdict === 'held' && holder) return { acquired: false, holder: holder.machineName };
      await this.deleteExactly(existing);
    }
    return { acquired: false, holder: '(a lock that keeps changing)' };
  }

  /** Removes the lock whoever holds it: once the control plane is initialised it has served its purpose. */
  async release(cluster: ClusterObject): Promise<void> {
    await this.client.delete(kinds.configMap, { namespace: cluster.metadata.namespace ?? '', name: clusterObjectNames.initLock(cluster.metadata.name ?? '') });
  }

  private async create(cluster: ClusterObject, name: string, machineName: string): Promise<boolean> {
    const { controller: _controller, blockOwnerDeletion: _block, ...clusterOwner } = controllerReference(cluster);
    try {
      await this.client.create<ConfigMap>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: cluster.metadata.namespace ?? '', ownerReferences: [clusterOwner] },
        data: { [lockInformationKey]: JSON.stringify({ machineName }) },
      });
      return true;
    } catch (error) {
      if (isAlreadyExists(error)) return false;
      throw error;
    }
  }

  /**
   * Deletes the stale lock only if it is still the object we judged (uid and resourceVersion preconditions), so two
   * machines clearing it at once cannot delete the lock the faster one has just taken.
   */
  private async deleteExactly(lock: ConfigMap): Promise<void> {
    const info = await this.client.resources.resolve(kinds.configMap);
    try {
      await this.rest.request({
        method: 'DELETE',
        path: resourcePath(info, { namespace: lock.metadata.namespace ?? '', name: lock.metadata.name ?? '' }),
        body: {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          preconditions: { uid: lock.metadata.uid, resourceVersion: lock.metadata.resourceVersion },
        },
      });
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) throw error;
    }
  }
}
