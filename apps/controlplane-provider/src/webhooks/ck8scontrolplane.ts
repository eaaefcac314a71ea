// Defaulting and validation of CK8sControlPlane (including `kubectl scale` through the scale subresource) and
// CK8sControlPlaneTemplate with the api package's pure rules, on the kubebuilder paths the chart registers.
import {
  ck8sControlPlaneResource,
  ck8sControlPlaneTemplateResource,
  type CK8sControlPlaneTemplate,
  defaultCK8sControlPlane,
  defaultCK8sControlPlaneTemplate,
  type FieldError as ApiFieldError,
  isTopologyDryRunRequest,
  validateCK8sControlPlane,
  validateCK8sControlPlaneScale,
  validateCK8sControlPlaneTemplate,
  webhookPath,
} from '@capi-ck8s/api';
import type { Defaulter, FieldError, FieldErrorType, KubeObject, ObjectClient, ValidationResult, Validator, WebhookServer } from '@capi-ck8s/runtime';
import { kinds, type ControlPlaneObject } from '../kinds';

export type ControlPlaneTemplateObject = CK8sControlPlaneTemplate & KubeObject;

/** autoscaling/v1 Scale, what the apiserver sends for the scale subresource. */
export interface ScaleObject extends KubeObject {
  spec?: { replicas?: number };
}

export const webhookPaths = {
  mutateControlPlane: webhookPath('mutate', ck8sControlPlaneResource),
  validateControlPlane: webhookPath('validate', ck8sControlPlaneResource),
  /** The chart's convention for the scale subresource webhook. */
  validateScale: webhookPath('validate', ck8sControlPlaneResource).replace('/validate-', '/validate-scale-'),
  mutateTemplate: webhookPath('mutate', ck8sControlPlaneTemplateResource),
  validateTemplate: webhookPath('validate', ck8sControlPlaneTemplateResource),
} as const;

const runtimeErrorTypes: Record<ApiFieldError['type'], FieldErrorType> = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  Forbidden: 'FieldValueForbidden',
  NotSupported: 'FieldValueNotSupported',
  Duplicate: 'FieldValueDuplicate',
};

function toAdmissionFieldError(error: ApiFieldError): FieldError {
  const type = runtimeErrorTypes[error.type];
  const value = type === 'FieldValueRequired' || type === 'FieldValueForbidden' ? {} : { value: error.value };
  return { type, field: error.field, ...value, detail: error.message };
}

function result(errors: readonly ApiFieldError[]): ValidationResult {
  return { errors: errors.map(toAdmissionFieldError) };
}

export const controlPlaneDefaulter: Defaulter<ControlPlaneObject> = (controlPlane) => defaultCK8sControlPlane(controlPlane) as ControlPlaneObject;
export const templateDefaulter: Defaulter<ControlPlaneTemplateObject> = (template) => defaultCK8sControlPlaneTemplate(template) as ControlPlaneTemplateObject;

export const controlPlaneValidator: Validator<ControlPlaneObject> = {
  validateCreate: (controlPlane) => result(validateCK8sControlPlane(controlPlane)),
  validateUpdate: (old, controlPlane) => result(validateCK8sControlPlane(controlPlane, old)),
};

/** `kubectl scale` and autoscalers: the Scale's replicas checked against the stored control plane. */
export function scaleValidator(client: ObjectClient): Validator<ScaleObject> {
  return {
    validateUpdate: async (_old, scale, request) => {
      const stored = await client.get(kinds.controlPlane, { namespace: request.namespace ?? '', name: request.name ?? '' });
      return result(validateCK8sControlPlaneScale(scale.spec?.replicas ?? 0, stored));
    },
  };
}

export const templateValidator: Validator<ControlPlaneTemplateObject> = {
  validateCreate: (template) => result(validateCK8sControlPlaneTemplate(template)),
  validateUpdate: (old, template, request) =>
    result(validateCK8sControlPlaneTemplate(template, old, { topologyDryRun: isTopologyDryRunRequest(request.dryRun, template) })),
};

export function registerControlPlaneWebhooks(server: WebhookServer, client: ObjectClient): void {
  server.mutating(webhookPaths.mutateControlPlane, controlPlaneDefaulter);
  server.validating(webhookPaths.validateControlPlane, controlPlaneValidator);
  server.validating(webhookPaths.validateScale, scaleValidator(client));
  server.mutating(webhookPaths.mutateTemplate, templateDefaulter);
  server.validating(webhookPaths.validateTemplate, templateValidator);
}
