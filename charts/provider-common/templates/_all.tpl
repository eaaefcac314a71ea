{{/* Every object of a provider release, in the order a reader expects them. */}}
{{- define "provider.all" -}}
{{- $documents := list
  (include "provider.namespace" .)
  (include "provider.serviceAccount" .)
  (include "provider.rbac" .)
  (include "provider.extraRbac" .)
  (include "provider.certificates" .)
  (include "provider.webhookService" .)
  (include "provider.metricsService" .)
  (include "provider.deployment" .)
  (include "provider.webhookConfigurations" .)
  (include "provider.serviceMonitor" .)
-}}
{{- range $documents }}
{{- if trim . }}
---
{{ trim . }}
{{- end }}
{{- end }}
{{- end }}
