{{/*
RBAC shared by both providers. The chart's provider.identity supplies the rules that differ (managerRules and
capiCoreRules); everything here is explicit — no wildcard resources, verbs or groups.
*/}}

{{- define "provider.subject" -}}
- kind: ServiceAccount
  name: {{ include "provider.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- end }}

{{/* Rules that depend on the values rather than on the provider. */}}
{{- define "provider.modeRules" -}}
{{- if not (include "provider.certManagerMode" .) }}
# Self-managed certificates: the provider writes the CA into the caBundle of its own webhook configurations only.
- apiGroups:
    - admissionregistration.k8s.io
  resources:
    - mutatingwebhookconfigurations
  resourceNames:
    - {{ include "provider.mutatingWebhookConfigurationName" . }}
  verbs:
    - get
    - patch
    - update
- apiGroups:
    - admissionregistration.k8s.io
  resources:
    - validatingwebhookconfigurations
  resourceNames:
    - {{ include "provider.validatingWebhookConfigurationName" . }}
  verbs:
    - get
    - patch
    - update
{{- end }}
{{- if and .Values.metrics.enabled .Values.metrics.secure }}
# Secure metrics: each scrape's bearer token is authenticated and authorised against the apiserver.
- apiGroups:
    - authentication.k8s.io
  resources:
    - tokenreviews
  verbs:
    - create
- apiGroups:
    - authorization.k8s.io
  resources:
    - subjectaccessreviews
  verbs:
    - create
{{- end }}
{{- end }}

{{- define "provider.rbac" -}}
{{- $identity := include "provider.identity" . | fromYaml -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ .Values.namePrefix }}manager-role
  labels:
    {{- include "provider.labels" . | nindent 4 }}
rules:
  {{- toYaml $identity.managerRules | nindent 2 }}
  {{- with include "provider.modeRules" . | trim }}
  {{- . | nindent 2 }}
  {{- end }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ .Values.namePrefix }}manager-rolebinding
  labels:
    {{- include "provider.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ .Values.namePrefix }}manager-role
subjects:
  {{- include "provider.subject" . | nindent 2 }}
---
# What Cluster API core needs on this provider's kinds (Machine/MachineSet/topology controllers create, adopt and
# delete them); CAPI's aggregated manager role picks this up through the label.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ .Values.namePrefix }}aggregated-manager-role
  labels:
    {{- include "provider.labels" . | nindent 4 }}
    cluster.x-k8s.io/aggregate-to-manager: "true"
rules:
  {{- toYaml $identity.capiCoreRules | nindent 2 }}
{{- if .Values.leaderElection.enabled }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ .Values.namePrefix }}leader-election-role
  {{- include "provider.metadata" . | nindent 2 }}
rules:
  # A Lease cannot be limited by name on create; every other verb is limited to the provider's own Lease.
  - apiGroups:
      - coordination.k8s.io
    resources:
      - leases
    verbs:
      - create
  - apiGroups:
      - coordination.k8s.io
    resources:
      - leases
    resourceNames:
      - {{ $identity.leaderElectionId }}
    verbs:
      - get
      - update
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ .Values.namePrefix }}leader-election-rolebinding
  {{- include "provider.metadata" . | nindent 2 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ .Values.namePrefix }}leader-election-role
subjects:
  {{- include "provider.subject" . | nindent 2 }}
{{- end }}
{{- if and .Values.metrics.enabled .Values.metrics.secure }}
---
# Bind this to the scraper's identity (Prometheus) to let it read /metrics.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ .Values.namePrefix }}metrics-reader
  labels:
    {{- include "provider.labels" . | nindent 4 }}
rules:
  - nonResourceURLs:
      - /metrics
    verbs:
      - get
{{- end }}
{{- end }}
