// Kubernetes object metadata as the providers see it. The apiserver validates metadata itself, so a CRD schema may
// only declare it as an object; the TypeScript view lists the fields the providers read and write.
import { Type } from '@sinclair/typebox';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

export const ObjectMetadata = Type.Unsafe<ObjectMeta>({ type: 'object' });

export const typeMetaProperties = {
  apiVersion: Type.Optional(Type.String({ description: 'Versioned schema of this object.' })),
  kind: Type.Optional(Type.String({ description: 'REST resource this object represents.' })),
  metadata: Type.Optional(ObjectMetadata),
};
