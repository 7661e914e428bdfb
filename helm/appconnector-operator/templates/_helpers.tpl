{{/* The chart's name, or nameOverride. */}}
{{- define "appconnector.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The name of every object the chart creates: fullnameOverride, else the release name when it
already contains the chart's name (`helm install appconnector-operator ...`), else
<release>-<chart>.
*/}}
{{- define "appconnector.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "appconnector.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "appconnector.selectorLabels" -}}
app.kubernetes.io/name: {{ include "appconnector.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "appconnector.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "appconnector.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: appconnector
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The issuer of access tokens: token.issuer, else the in-cluster Service. */}}
{{- define "appconnector.tokenIssuer" -}}
{{- if .Values.token.issuer }}
{{- trimSuffix "/" .Values.token.issuer }}
{{- else if .Values.token.url }}
{{- trimSuffix "/oauth2/token" .Values.token.url }}
{{- else }}
{{- printf "http://%s.%s.svc:%d" (include "appconnector.fullname" .) .Release.Namespace (int .Values.token.port) }}
{{- end }}
{{- end }}

{{/* The token URL written into delivered Secrets: token.url, else <issuer>/oauth2/token. */}}
{{- define "appconnector.tokenUrl" -}}
{{- default (printf "%s/oauth2/token" (include "appconnector.tokenIssuer" .)) .Values.token.url }}
{{- end }}

{{/* Settings the schema cannot check on its own. */}}
{{- define "appconnector.validate" -}}
{{- if eq (int .Values.token.port) (int .Values.metrics.port) }}
{{- fail (printf "token.port and metrics.port must differ (both are %d)" (int .Values.token.port)) }}
{{- end }}
{{- end }}
