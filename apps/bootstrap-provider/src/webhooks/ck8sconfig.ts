// Defaulting and validation of CK8sConfig and CK8sConfigTemplate with the api package's pure rules; the paths follow
// kubebuilder's convention, which the chart's webhook configurations use.
import {
  defaultCK8sConfig,
  defaultCK8sConfigTemplate,
  type FieldError as ApiFieldError,
  isTopologyDryRunRequest,
  validateCK8sConfig,
  validateCK8sConfigTemplate,
} from '@capi-ck8s/api';
import type { Defaulter, FieldError, FieldErrorType, ValidationResult, Validator, WebhookServer } from '@capi-ck8s/runtime';
import type { CK8sConfigObject, CK8sConfigTemplateObject } from '../kinds';

export const webhookPaths = {
  mutateConfig: '/mutate-bootstrap-cluster-x-k8s-io-v1beta2-ck8sconfig',
  validateConfig: '/validate-bootstrap-cluster-x-k8s-io-v1beta2-ck8sconfig',
  mutateTemplate: '/mutate-bootstrap-cluster-x-k8s-io-v1beta2-ck8sconfigtemplate',
  validateTemplate: '/validate-bootstrap-cluster-x-k8s-io-v1beta2-ck8sconfigtemplate',
} as const;

const runtimeErrorTypes: Record<ApiFieldError['type'], FieldErrorType> = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  Forbidden: 'FieldValueForbidden',
  NotSupported: 'FieldValueNotSupported',
  Duplicate: 'FieldValueDuplicate',
};

/** The api package and the runtime each model apimachinery's field.Error; this maps one onto the other. */
export function toAdmissionFieldError(error: ApiFieldError): FieldError {
  const types = runtimeErrorTypes[error.type];
  // Required and Forbidden never print their value, whatever the api error carries.
  const value = types === 'FieldValueRequired' || types === 'FieldValueForbidden' ? {} : { value: error.value };
  return { type: types, field: error.field, ...value, detail: error.message };
}

function result(errors: readonly ApiFieldError[]): ValidationResult {
  return { errors: errors.map(toAdmissionFieldError) };
}

export const configValidator: Validator<CK8sConfigObject> = {
  validateCreate: (config) => result(validateCK8sConfig(config)),
  validateUpdate: (old, config) => result(validateCK8sConfig(config, old)),
};

export const templateValidator: Validator<CK8sConfigTemplateObject> = {
  validateCreate: (template) => result(validateCK8sConfigTemplate(template)),
  // ClusterClass checks planned template changes with dry runs; immutability must let those through.
  validateUpdate: (old, template, request) =>
    result(validateCK8sConfigTemplate(template, old, { topologyDryRun: isTopologyDryRunRequest(request.dryRun, template) })),
};

export const configDefaulter: Defaulter<CK8sConfigObject> = (config) => defaultCK8sConfig(config) as CK8sConfigObject;
export const templateDefaulter: Defaulter<CK8sConfigTemplateObject> = (template) => defaultCK8sConfigTemplate(template) as CK8sConfigTemplateObject;

export function registerCk8sConfigWebhooks(server: WebhookServer): void {
  server.mutating(webhookPaths.mutateConfig, configDefaulter);
  server.validating(webhookPaths.validateConfig, configValidator);
  server.mutating(webhookPaths.mutateTemplate, templateDefaulter);
  server.validating(webhookPaths.validateTemplate, templateValidator);
}
