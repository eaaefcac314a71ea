{{/* The manager's command line: the contract between the charts and the provider apps (see charts/README.md). */}}
{{- define "provider.args" -}}
{{- $identity := include "provider.identity" . | fromYaml -}}
{{- if .Values.leaderElection.enabled }}
- --leader-elect
- --leader-election-id={{ $identity.leaderElectionId }}
{{- end }}
{{- if .Values.metrics.enabled }}
- --metrics-bind-address=:{{ .Values.metrics.port }}
{{- if not .Values.metrics.secure }}
- --metrics-insecure
{{- end }}
{{- else }}
- --metrics-bind-address=0
{{- end }}
- --health-probe-bind-address=:{{ .Values.health.port }}
- --webhook-port={{ .Values.webhook.port }}
- --webhook-cert-dir={{ include "provider.webhookCertDir" . }}
{{- if include "provider.certManagerMode" . }}
- --webhook-cert-mode=cert-manager
{{- else }}
- --webhook-cert-mode=self-managed
- --webhook-cert-secret={{ include "provider.webhookSecretName" . }}
- --webhook-service={{ include "provider.webhookServiceName" . }}
- --mutating-webhook-configuration={{ include "provider.mutatingWebhookConfigurationName" . }}
- --validating-webhook-configuration={{ include "provider.validatingWebhookConfigurationName" . }}
{{- end }}
- --log-level={{ .Values.logLevel }}
{{- with .Values.watchNamespace }}
- --namespace={{ . }}
{{- end }}
{{- with .Values.watchFilter }}
- --watch-filter={{ . }}
{{- end }}
{{- range .Values.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end }}

{{- define "provider.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Values.namePrefix }}controller-manager
  {{- include "provider.metadata" . | nindent 2 }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      {{- include "provider.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "provider.selectorLabels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        kubectl.kubernetes.io/default-container: manager
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "provider.serviceAccountName" . }}
      terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
      {{- with .Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ .Values.runAsUser }}
        runAsGroup: {{ .Values.runAsUser }}
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: manager
          image: {{ printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          command:
            - node
            - /app/main.js
          args:
            {{- include "provider.args" . | trim | nindent 12 }}
          env:
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: POD_UID
              valueFrom:
                fieldRef:
                  fieldPath: metadata.uid
            {{- with .Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            - name: webhook-server
              containerPort: {{ .Values.webhook.port }}
              protocol: TCP
            - name: healthz
              containerPort: {{ .Values.health.port }}
              protocol: TCP
            {{- if .Values.metrics.enabled }}
            - name: metrics
              containerPort: {{ .Values.metrics.port }}
              protocol: TCP
            {{- end }}
          readinessProbe:
            httpGet:
              path: /readyz
              port: healthz
          livenessProbe:
            httpGet:
              path: /healthz
              port: healthz
            initialDelaySeconds: 15
          {{- with .Values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          securityContext:
            allowPrivilegeEscalation: false
            privileged: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities:
              drop:
                - ALL
          volumeMounts:
            # Node and the self-managed certificate mode write under /tmp; everything else is read-only.
            - name: tmp
              mountPath: /tmp
            {{- if include "provider.certManagerMode" . }}
            - name: webhook-certificates
              mountPath: {{ include "provider.webhookCertDir" . }}
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ .Values.tmpSizeLimit }}
        {{- if include "provider.certManagerMode" . }}
        - name: webhook-certificates
          secret:
            secretName: {{ include "provider.webhookSecretName" . }}
        {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
