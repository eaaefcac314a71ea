{{- define "provider.namespace" -}}
{{- if eq .Values.packaging "clusterctl" }}
# clusterctl components carry exactly one Namespace: the provider's target namespace.
apiVersion: v1
kind: Namespace
metadata:
  name: {{ .Release.Namespace }}
  labels:
    {{- include "provider.labels" . | nindent 4 }}
{{- end }}
{{- end }}

{{- define "provider.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "provider.serviceAccountName" . }}
  {{- include "provider.metadata" . | nindent 2 }}
{{- end }}

{{- define "provider.webhookService" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "provider.webhookServiceName" . }}
  {{- include "provider.metadata" . | nindent 2 }}
spec:
  ports:
    - name: webhook
      port: 443
      targetPort: webhook-server
      protocol: TCP
  selector:
    {{- include "provider.selectorLabels" . | nindent 4 }}
{{- end }}

{{- define "provider.metricsService" -}}
{{- if .Values.metrics.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ .Values.namePrefix }}controller-manager-metrics-service
  {{- include "provider.metadata" . | nindent 2 }}
spec:
  ports:
    - name: metrics
      port: {{ .Values.metrics.port }}
      targetPort: metrics
      protocol: TCP
  selector:
    {{- include "provider.selectorLabels" . | nindent 4 }}
{{- end }}
{{- end }}

{{- define "provider.serviceMonitor" -}}
{{- if and .Values.metrics.enabled .Values.metrics.serviceMonitor.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ .Values.namePrefix }}controller-manager-metrics-monitor
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "provider.labels" . | nindent 4 }}
    {{- with .Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  endpoints:
    - port: metrics
      path: /metrics
      interval: {{ .Values.metrics.serviceMonitor.interval }}
      {{- if .Values.metrics.secure }}
      scheme: https
      # Scrapes authenticate with Prometheus's own ServiceAccount token; bind it to the metrics-reader ClusterRole.
      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
      tlsConfig:
        {{- toYaml .Values.metrics.serviceMonitor.tlsConfig | nindent 8 }}
      {{- else }}
      scheme: http
      {{- end }}
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  selector:
    matchLabels:
      {{- include "provider.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}
