{{/*
What makes this chart the control plane provider; the shared templates in provider-common read it. The leader
election Lease keeps upstream CACPCK's name, so an upstream manager and this one never lead at the same time.
*/}}
{{- define "provider.identity" -}}
providerLabel: control-plane-ck8s
leaderElectionId: 148fa072.controlplane.cluster.x-k8s.io
mutatingWebhooks:
  - { kind: CK8sControlPlane, group: controlplane.cluster.x-k8s.io, version: v1beta2, resource: ck8scontrolplanes, operations: [CREATE, UPDATE] }
  - { kind: CK8sControlPlaneTemplate, group: controlplane.cluster.x-k8s.io, version: v1beta2, resource: ck8scontrolplanetemplates, operations: [CREATE, UPDATE] }
validatingWebhooks:
  - { kind: CK8sControlPlane, group: controlplane.cluster.x-k8s.io, version: v1beta2, resource: ck8scontrolplanes, operations: [CREATE, UPDATE] }
  # `kubectl scale` and autoscalers change replicas through the scale subresource, which the main webhook never sees.
  - { kind: CK8sControlPlane, group: controlplane.cluster.x-k8s.io, version: v1beta2, resource: ck8scontrolplanes, subresource: scale, operations: [UPDATE] }
  - { kind: CK8sControlPlaneTemplate, group: controlplane.cluster.x-k8s.io, version: v1beta2, resource: ck8scontrolplanetemplates, operations: [CREATE, UPDATE] }
managerRules:
  - apiGroups: [controlplane.cluster.x-k8s.io]
    resources: [ck8scontrolplanes]
    verbs: [get, list, watch, patch, update]
  - apiGroups: [controlplane.cluster.x-k8s.io]
    resources: [ck8scontrolplanes/status]
    verbs: [get, patch, update]
  # Machines, secrets and CK8sConfigs carry controller owner references with blockOwnerDeletion to the control plane.
  - apiGroups: [controlplane.cluster.x-k8s.io]
    resources: [ck8scontrolplanes/finalizers]
    verbs: [update]
  - apiGroups: [controlplane.cluster.x-k8s.io]
    resources: [ck8scontrolplanetemplates]
    verbs: [get, list, watch]
  # One CK8sConfig per control plane machine, copied from spec.spec.
  - apiGroups: [bootstrap.cluster.x-k8s.io]
    resources: [ck8sconfigs]
    verbs: [create, delete, get, list, patch, update, watch]
  - apiGroups: [cluster.x-k8s.io]
    resources: [machines]
    verbs: [create, delete, get, list, patch, update, watch]
  # Per-machine health conditions (API server, datastore member) are written on the Machines, as KCP does.
  - apiGroups: [cluster.x-k8s.io]
    resources: [machines/status]
    verbs: [get, patch, update]
  # The cluster-wide in-place upgrade is requested by an annotation on the Cluster and handed to each
  # MachineDeployment by annotation once the control plane is done.
  - apiGroups: [cluster.x-k8s.io]
    resources: [clusters, machinedeployments]
    verbs: [get, list, watch, patch]
  - apiGroups: [cluster.x-k8s.io]
    resources: [machinesets, machinepools, machinehealthchecks]
    verbs: [get, list, watch]
  # Cluster CAs, <cluster>-token and <cluster>-kubeconfig (rotated at half life).
  - apiGroups: [""]
    resources: [secrets]
    verbs: [create, delete, get, list, patch, update, watch]
  # The orchestrated in-place upgrade lock (<cluster>-cp-inplace-upgrade-lock).
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [create, delete, get, list, watch]
  - apiGroups: [""]
    resources: [events]
    verbs: [create, patch]
  # The contract version of an infrastructure template is read from its CRD's labels.
  - apiGroups: [apiextensions.k8s.io]
    resources: [customresourcedefinitions]
    verbs: [get, list, watch]
capiCoreRules:
  - apiGroups: [controlplane.cluster.x-k8s.io]
    resources: [ck8scontrolplanes, ck8scontrolplanetemplates]
    verbs: [create, delete, get, list, patch, update, watch]
{{- end }}

{{/*
Access to infrastructure machines. The manager is bound to an aggregated ClusterRole: the kinds listed in the values
are one contribution to it, and any other ClusterRole labelled controlplane.cluster.x-k8s.io/aggregate-to-ck8s-manager
adds more without a chart change.
*/}}
{{- define "provider.extraRbac" -}}
{{- $aggregationLabel := "controlplane.cluster.x-k8s.io/aggregate-to-ck8s-manager" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ .Values.namePrefix }}infrastructure-role
  labels:
    {{- include "provider.labels" . | nindent 4 }}
aggregationRule:
  clusterRoleSelectors:
    - matchLabels:
        {{ $aggregationLabel }}: "true"
# Filled in by the clusterrole-aggregation controller.
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ .Values.namePrefix }}infrastructure-rolebinding
  labels:
    {{- include "provider.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ .Values.namePrefix }}infrastructure-role
subjects:
  {{- include "provider.subject" . | nindent 2 }}
{{- with .Values.infrastructure }}
{{- if or .machineResources .machineTemplateResources }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ $.Values.namePrefix }}infrastructure-machines
  labels:
    {{- include "provider.labels" $ | nindent 4 }}
    {{ $aggregationLabel }}: "true"
rules:
  {{- with .machineResources }}
  # Machines are cloned from the template, relabelled during adoption and deleted on scale down.
  - apiGroups:
      - infrastructure.cluster.x-k8s.io
    resources:
      {{- toYaml . | nindent 6 }}
    verbs: [create, delete, get, list, patch, update, watch]
  {{- end }}
  {{- with .machineTemplateResources }}
  # Templates are read to clone from and get the control plane as owner.
  - apiGroups:
      - infrastructure.cluster.x-k8s.io
    resources:
      {{- toYaml . | nindent 6 }}
    verbs: [get, list, watch, patch, update]
  {{- end }}
{{- end }}
{{- end }}
{{- end }}
