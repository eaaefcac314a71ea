{{/*
What makes this chart the bootstrap provider; the shared templates in provider-common read it. The leader election
Lease keeps upstream CABPCK's name, so an upstream manager and this one never lead at the same time in one namespace.
*/}}
{{- define "provider.identity" -}}
providerLabel: bootstrap-ck8s
leaderElectionId: 6b2b21b1.k8s.io
mutatingWebhooks:
  - { kind: CK8sConfig, group: bootstrap.cluster.x-k8s.io, version: v1beta2, resource: ck8sconfigs, operations: [CREATE, UPDATE] }
  - { kind: CK8sConfigTemplate, group: bootstrap.cluster.x-k8s.io, version: v1beta2, resource: ck8sconfigtemplates, operations: [CREATE, UPDATE] }
validatingWebhooks:
  - { kind: CK8sConfig, group: bootstrap.cluster.x-k8s.io, version: v1beta2, resource: ck8sconfigs, operations: [CREATE, UPDATE] }
  - { kind: CK8sConfigTemplate, group: bootstrap.cluster.x-k8s.io, version: v1beta2, resource: ck8sconfigtemplates, operations: [CREATE, UPDATE] }
managerRules:
  - apiGroups: [bootstrap.cluster.x-k8s.io]
    resources: [ck8sconfigs]
    verbs: [get, list, watch, patch, update]
  - apiGroups: [bootstrap.cluster.x-k8s.io]
    resources: [ck8sconfigs/status]
    verbs: [get, patch, update]
  # Data secrets carry a controller owner reference with blockOwnerDeletion to their CK8sConfig.
  - apiGroups: [bootstrap.cluster.x-k8s.io]
    resources: [ck8sconfigs/finalizers]
    verbs: [update]
  - apiGroups: [bootstrap.cluster.x-k8s.io]
    resources: [ck8sconfigtemplates]
    verbs: [get, list, watch]
  - apiGroups: [cluster.x-k8s.io]
    resources: [clusters, machinesets, machinepools]
    verbs: [get, list, watch]
  # In-place upgrades and certificate refreshes are driven by annotations on Machines and MachineDeployments.
  - apiGroups: [cluster.x-k8s.io]
    resources: [machines, machinedeployments]
    verbs: [get, list, watch, patch, update]
  # Bootstrap data, cluster CAs, join and node tokens; the workload cluster's kubeconfig is read from here too.
  - apiGroups: [""]
    resources: [secrets]
    verbs: [create, delete, get, list, patch, update, watch]
  # The init lock (<cluster>-lock).
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [create, delete, get, list, watch]
  - apiGroups: [""]
    resources: [events]
    verbs: [create, patch]
capiCoreRules:
  - apiGroups: [bootstrap.cluster.x-k8s.io]
    resources: [ck8sconfigs, ck8sconfigtemplates]
    verbs: [create, delete, get, list, patch, update, watch]
{{- end }}

{{/* The bootstrap provider needs no RBAC beyond the shared rules. */}}
{{- define "provider.extraRbac" -}}
{{- end }}
