import { groupOf, kindId, type KindRef } from '../objects';
import type { RestClient } from './rest-client';

export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  /** The resource name in URLs, e.g. "ck8sconfigs". */
  plural: string;
  namespaced: boolean;
}

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

/** Maps kinds to REST resources through the apiserver's discovery documents, cached per group/version. */
export class ResourceMapper {
  private readonly groupVersions = new Map<string, Promise<ApiResourceList>>();

  constructor(private readonly rest: RestClient) {}

  async resolve(ref: KindRef): Promise<ResourceInfo> {
    const list = await this.discover(ref.apiVersion);
    const match = list.resources?.find((resource) => resource.kind === ref.kind && !resource.name.includes('/'));
    if (!match) {
      // The CRD may be installed after we first looked; look again next time.
      this.groupVersions.delete(ref.apiVersion);
      throw new Error(`no resource for ${kindId(ref)} is served by the apiserver`);
    }
    return { apiVersion: ref.apiVersion, kind: ref.kind, plural: match.name, namespaced: match.namespaced };
  }

  private discover(apiVersion: string): Promise<ApiResourceList> {
    let pending = this.groupVersions.get(apiVersion);
    if (!pending) {
      const path = groupOf(apiVersion) === '' ? `/api/${apiVersion}` : `/apis/${apiVersion}`;
      pending = this.rest.request<ApiResourceList>({ method: 'GET', path });
      pending.catch(() => this.groupVersions.delete(apiVersion));
      this.groupVersions.set(apiVersion, pending);
    }
    return pending;
  }
}

/** The URL path of a resource collection or item; `namespace` is ignored for cluster-scoped kinds. */
export function resourcePath(info: ResourceInfo, target: { namespace?: string; name?: string; subresource?: string } = {}): string {
  const base = groupOf(info.apiVersion) === '' ? `/api/${info.apiVersion}` : `/apis/${info.apiVersion}`;
  const scope = info.namespaced && target.namespace ? `/namespaces/${encodeURIComponent(target.namespace)}` : '';
  const item = target.name ? `/${encodeURIComponent(target.name)}` : '';
  const sub = target.name && target.subresource ? `/${target.subresource}` : '';
  return `${base}${scope}/${info.plural}${item}${sub}`;
}
