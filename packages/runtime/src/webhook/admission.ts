// fast-json-patch is CommonJS whose named exports Node cannot detect, so use its default export.
import jsonPatch from 'fast-json-patch';
import type { StatusBody } from '../client/errors';
import type { KubeObject } from '../objects';
import { type AnyFieldError, invalidStatus } from './field-errors';

export interface AdmissionRequest<T extends KubeObject = KubeObject> {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  userInfo?: { username?: string; uid?: string; groups?: string[] };
  object?: T | null;
  oldObject?: T | null;
  dryRun?: boolean;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: StatusBody;
  patchType?: 'JSONPatch';
  patch?: string;
  warnings?: string[];
}

export interface AdmissionReview<T extends KubeObject = KubeObject> {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  request?: AdmissionRequest<T>;
  response?: AdmissionResponse;
}

/** Fills in defaults: change the given (private, mutable) copy in place or return a new object. */
export type Defaulter<T extends KubeObject = KubeObject> = (object: T, request: AdmissionRequest<T>) => T | void | Promise<T | void>;

export interface ValidationResult {
  errors?: readonly AnyFieldError[];
  warnings?: readonly string[];
}

export interface Validator<T extends KubeObject = KubeObject> {
  validateCreate?(object: T, request: AdmissionRequest<T>): ValidationResult | Promise<ValidationResult>;
  validateUpdate?(old: T, object: T, request: AdmissionRequest<T>): ValidationResult | Promise<ValidationResult>;
  validateDelete?(object: T, request: AdmissionRequest<T>): ValidationResult | Promise<ValidationResult>;
}

export function allowed(uid: string, warnings?: readonly string[]): AdmissionResponse {
  return { uid, allowed: true, ...(warnings && warnings.length > 0 ? { warnings: [...warnings] } : {}) };
}

export function denied(uid: string, code: number, message: string, reason = code === 403 ? 'Forbidden' : 'BadRequest'): AdmissionResponse {
  return { uid, allowed: false, status: { kind: 'Status', status: 'Failure', code, reason, message } };
}

/** A JSON patch (RFC 6902), base64 encoded, that turns the object as received into the defaulted one. */
export function patchResponse(uid: string, original: KubeObject, defaulted: KubeObject): AdmissionResponse {
  const operations = jsonPatch.compare(original, defaulted);
  if (operations.length === 0) return allowed(uid);
  return { uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(operations)).toString('base64') };
}

export async function runDefaulter<T extends KubeObject>(request: AdmissionRequest<T>, defaulter: Defaulter<T>): Promise<AdmissionResponse> {
  const original = request.object;
  // DELETE and CONNECT carry no object to default.
  if (!original || (request.operation !== 'CREATE' && request.operation !== 'UPDATE')) return allowed(request.uid);
  const copy = structuredClone(original);
  const defaulted = (await defaulter(copy, request)) ?? copy;
  return patchResponse(request.uid, original, defaulted);
}

function validation<T extends KubeObject>(request: AdmissionRequest<T>, validator: Validator<T>): ValidationResult | Promise<ValidationResult> | undefined {
  const { object, oldObject } = request;
  if (request.operation === 'CREATE' && object) return validator.validateCreate?.(object, request);
  if (request.operation === 'UPDATE' && object && oldObject) return validator.validateUpdate?.(oldObject, object, request);
  if (request.operation === 'DELETE' && oldObject) return validator.validateDelete?.(oldObject, request);
  return undefined;
}

export async function runValidator<T extends KubeObject>(request: AdmissionRequest<T>, validator: Validator<T>): Promise<AdmissionResponse> {
  const result = (await validation(request, validator)) ?? {};
  const errors = result.errors ?? [];
  const warnings = result.warnings ?? [];
  if (errors.length === 0) return allowed(request.uid, warnings);
  const name = request.name ?? request.object?.metadata.name ?? request.oldObject?.metadata.name ?? '';
  return {
    uid: request.uid,
    allowed: false,
    status: invalidStatus(request.kind, name, errors),
    ...(warnings.length > 0 ? { warnings: [...warnings] } : {}),
  };
}
