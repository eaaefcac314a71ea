// Defaulting and validation of CK8sConfig and CK8sConfigTemplate with the api package's pure rules; the paths follow
// kubebuilder's convention, which the chart's webhook configurations use.
import {
  defaultCK8sConfig,
  defaultCK8sConfigTemplate,
  isTopologyDryRunRequest,
  validateCK8sConfig,
  validateCK8sConfigTemplate,
} from '@capi-ck8s/api';
import type { Defaulter, Validator, WebhookServer } from '@capi-ck8s/runtime';
import type { CK8sConfigObject, CK8sConfigTemplateObject } from '../kinds';

export const webhookPaths = {
  mutateConfig: '/mutate-bootstrap-cluster-x-k8s-io-v1beta2-ck8sconfig',
  validateConfig: '/validate-bootstrap-cluster-x-k8s-io-v1beta2-ck8sconfig',
  mutateTemplate: '/mutate-bootstrap-cluster-x-k8s-io-v1beta2-ck8sconfigtemplate',
  validateTemplate: '/validate-bootstrap-cluster-x-k8s-io-v1beta2-ck8sconfigtemplate',
} as const;

// The api package's field errors go to the runtime as they are: its admission responses read that spelling too.
export const configValidator: Validator<CK8sConfigObject> = {
  validateCreate: (config) => ({ errors: validateCK8sConfig(config) }),
  validateUpdate: (old, config) => ({ errors: validateCK8sConfig(config, old) }),
};

export const templateValidator: Validator<CK8sConfigTemplateObject> = {
  validateCreate: (template) => ({ errors: validateCK8sConfigTemplate(template) }),
  // ClusterClass checks planned template changes with dry runs; immutability must let those through.
  validateUpdate: (old, template, request) =>
    ({ errors: validateCK8sConfigTemplate(template, old, { topologyDryRun: isTopologyDryRunRequest(request.dryRun, template) }) }),
};

export const configDefaulter: Defaulter<CK8sConfigObject> = (config) => defaultCK8sConfig(config) as CK8sConfigObject;
export const templateDefaulter: Defaulter<CK8sConfigTemplateObject> = (template) => defaultCK8sConfigTemplate(template) as CK8sConfigTemplateObject;

export function registerCk8sConfigWebhooks(server: WebhookServer): void {
  server.mutating(webhookPaths.mutateConfig, configDefaulter);
  server.validating(webhookPaths.validateConfig, configValidator);
  server.mutating(webhookPaths.mutateTemplate, templateDefaulter);
  server.validating(webhookPaths.validateTemplate, templateValidator);
}
