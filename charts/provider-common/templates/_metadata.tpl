{{/*
Labels on every object. The provider label is what clusterctl and CAPI use to find a provider's objects; the Helm
labels are left out of clusterctl components because clusterctl, not Helm, manages those objects.
*/}}
{{- define "provider.labels" -}}
cluster.x-k8s.io/provider: {{ include "provider.identity" . | fromYaml | dig "providerLabel" "" }}
{{- if eq .Values.packaging "helm" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}
{{- end }}

{{/* The manager pods, as selected by the Deployment and both Services (names as in the upstream kustomize output). */}}
{{- define "provider.selectorLabels" -}}
cluster.x-k8s.io/provider: {{ include "provider.identity" . | fromYaml | dig "providerLabel" "" }}
control-plane: controller-manager
{{- end }}

{{- define "provider.metadata" -}}
namespace: {{ .Release.Namespace }}
labels:
  {{- include "provider.labels" . | nindent 2 }}
{{- end }}

{{- define "provider.serviceAccountName" -}}
{{ .Values.namePrefix }}manager
{{- end }}

{{- define "provider.webhookServiceName" -}}
{{ .Values.namePrefix }}webhook-service
{{- end }}

{{- define "provider.webhookSecretName" -}}
{{ .Values.namePrefix }}webhook-service-cert
{{- end }}

{{- define "provider.certificateName" -}}
{{ .Values.namePrefix }}serving-cert
{{- end }}

{{- define "provider.mutatingWebhookConfigurationName" -}}
{{ .Values.namePrefix }}mutating-webhook-configuration
{{- end }}

{{- define "provider.validatingWebhookConfigurationName" -}}
{{ .Values.namePrefix }}validating-webhook-configuration
{{- end }}

{{- define "provider.certManagerMode" -}}
{{- if eq .Values.webhook.certificateMode "cert-manager" }}true{{ end }}
{{- end }}

{{/* Where the manager finds tls.crt and tls.key (kubebuilder's default, so upstream users recognise it). */}}
{{- define "provider.webhookCertDir" -}}
/tmp/k8s-webhook-server/serving-certs
{{- end }}
