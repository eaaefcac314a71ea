{{/*
One admission webhook entry. `target` comes from the chart's provider.identity: kind, group, version, resource, and
optionally subresource (the scale webhook). The path follows kubebuilder's convention, which the apps serve.
*/}}
{{- define "provider.webhookEntry" -}}
{{- $ := .root -}}
{{- $target := .target -}}
{{- $operation := .operation -}}
{{- $pathPrefix := ternary (printf "%s-scale" $operation) $operation (hasKey $target "subresource") -}}
{{- $namePrefix := ternary "default" "validation" (eq $operation "mutate") -}}
{{- if hasKey $target "subresource" }}{{ $namePrefix = printf "%s-%s" $namePrefix $target.subresource }}{{ end -}}
- name: {{ printf "%s.%s.%s" $namePrefix (lower $target.kind) $target.group }}
  admissionReviewVersions:
    - v1
  clientConfig:
    service:
      name: {{ include "provider.webhookServiceName" $ }}
      namespace: {{ $.Release.Namespace }}
      path: {{ printf "/%s-%s-%s-%s" $pathPrefix (replace "." "-" $target.group) $target.version (lower $target.kind) }}
  failurePolicy: Fail
  matchPolicy: Equivalent
  sideEffects: None
  timeoutSeconds: {{ $.Values.webhook.timeoutSeconds }}
  rules:
    - apiGroups:
        - {{ $target.group }}
      apiVersions:
        - {{ $target.version }}
      operations:
        {{- toYaml $target.operations | nindent 8 }}
      resources:
        - {{ ternary (printf "%s/%s" $target.resource $target.subresource) $target.resource (hasKey $target "subresource") }}
  {{- with $.Values.webhook.namespaceSelector }}
  namespaceSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $.Values.webhook.objectSelector }}
  objectSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{- define "provider.webhookConfigurationMetadata" -}}
{{- $ := .root -}}
name: {{ .name }}
labels:
  {{- include "provider.labels" $ | nindent 2 }}
{{- if include "provider.certManagerMode" $ }}
annotations:
  # cert-manager's cainjector copies the CA of this Certificate into every webhook's caBundle.
  cert-manager.io/inject-ca-from: {{ printf "%s/%s" $.Release.Namespace (include "provider.certificateName" $) }}
{{- end }}
{{- end }}

{{- define "provider.webhookConfigurations" -}}
{{- $identity := include "provider.identity" . | fromYaml -}}
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  {{- include "provider.webhookConfigurationMetadata" (dict "root" . "name" (include "provider.mutatingWebhookConfigurationName" .)) | nindent 2 }}
webhooks:
{{- range $identity.mutatingWebhooks }}
{{ include "provider.webhookEntry" (dict "root" $ "target" . "operation" "mutate") }}
{{- end }}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  {{- include "provider.webhookConfigurationMetadata" (dict "root" . "name" (include "provider.validatingWebhookConfigurationName" .)) | nindent 2 }}
webhooks:
{{- range $identity.validatingWebhooks }}
{{ include "provider.webhookEntry" (dict "root" $ "target" . "operation" "validate") }}
{{- end }}
{{- end }}

{{/* cert-manager mode: a self-signed Issuer (unless the user names one) and the serving Certificate. */}}
{{- define "provider.certificates" -}}
{{- if include "provider.certManagerMode" . }}
{{- $issuerRef := .Values.webhook.certManager.issuerRef }}
{{- if not $issuerRef }}
{{- $issuerRef = dict "kind" "Issuer" "name" (printf "%sselfsigned-issuer" .Values.namePrefix) }}
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: {{ $issuerRef.name }}
  {{- include "provider.metadata" . | nindent 2 }}
spec:
  selfSigned: {}
---
{{- end }}
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: {{ include "provider.certificateName" . }}
  {{- include "provider.metadata" . | nindent 2 }}
spec:
  dnsNames:
    - {{ printf "%s.%s.svc" (include "provider.webhookServiceName" .) .Release.Namespace }}
    - {{ printf "%s.%s.svc.cluster.local" (include "provider.webhookServiceName" .) .Release.Namespace }}
  issuerRef:
    {{- toYaml $issuerRef | nindent 4 }}
  secretName: {{ include "provider.webhookSecretName" . }}
{{- end }}
{{- end }}
