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
{{- printf "%s://%s.%s.svc:%d" (ternary "http" "https" (eq .Values.token.tls.mode "none")) (include "appconnector.fullname" .) .Release.Namespace (int .Values.token.port) }}
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
{{- if and .Values.service.externalTrafficPolicy (eq .Values.service.type "ClusterIP") }}
{{- fail "service.externalTrafficPolicy needs service.type NodePort or LoadBalancer (a ClusterIP Service has no external traffic)" }}
{{- end }}
{{- if and (eq .Values.token.tls.mode "certManager") (not .Values.token.tls.issuerRef.name) }}
{{- fail "token.tls.mode certManager needs token.tls.issuerRef.name: the Issuer or ClusterIssuer that signs the endpoint's certificate" }}
{{- end }}
{{- if and .Values.token.proxyProtocol (not .Values.token.trustedProxies) }}
{{- fail "token.proxyProtocol needs token.trustedProxies: the networks of the load balancers that send the PROXY header" }}
{{- end }}
{{- $own := list "LEADER_ELECTION" "OPERATOR_NAMESPACE" "WATCH_NAMESPACES" "TOKEN_PORT" "TOKEN_URL" "TOKEN_TLS_SECRET" "TOKEN_PLAIN_HTTP" "TOKEN_TRUSTED_PROXIES" "TOKEN_PROXY_PROTOCOL" "TOKEN_ISSUER" "TOKEN_AUDIENCE" "SIGNING_KEY_ROTATION" "METRICS_PORT" "API_POD_SELECTOR" "API_PORTS" "DEFAULT_UNUSED_CREDENTIAL_LIFETIME" "DEFAULT_ACCESS_TOKEN_LIFETIME" "LOG_LEVEL" "LOG_FORMAT" "JDK_JAVA_OPTIONS" "COMPONENT" "SIGNING_KEY_SECRET" "INTROSPECTION_SECRET" "USAGE_FLUSH_INTERVAL" "NOTIFICATION_QUEUE_CAPACITY" "NOTIFICATION_RETRY_FOR" "NOTIFICATION_MAX_BACKOFF" "NOTIFICATION_TIMEOUT" }}
{{- range .Values.extraEnv }}
{{- if has .name $own }}
{{- fail (printf "extraEnv: %s is set by the chart from its values (see values.yaml); set that value instead" .name) }}
{{- end }}
{{- end }}
{{- range .Values.extraVolumes }}
{{- if eq .name "tmp" }}
{{- fail "extraVolumes: the name tmp is the chart's own /tmp volume; choose another name" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of the CRDs: the release's, without the component (they belong to no one Deployment). */}}
{{- define "appconnector.crdLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "appconnector.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: appconnector
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
The image: repository:tag, or repository@digest when image.digest is set (the tag, if any, is then
kept for readers: repository:tag@digest, as cert-manager does).
*/}}
{{- define "appconnector.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
The pieces of a pod spec every Deployment of the chart takes from the values, so a second Deployment
renders them the same way. Each prints nothing when its value is empty and is meant for nindent.
*/}}
{{/* extraEnv: appended after the chart's own environment variables (a later entry wins in Kubernetes). */}}
{{- define "appconnector.extraEnv" -}}
{{- with .Values.extraEnv }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/* extraVolumeMounts of the container. */}}
{{- define "appconnector.extraVolumeMounts" -}}
{{- with .Values.extraVolumeMounts }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/* extraVolumes of the pod. */}}
{{- define "appconnector.extraVolumes" -}}
{{- with .Values.extraVolumes }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/*
topologySpreadConstraints of a pod: the default one over nodes (spreadAcrossNodes), then the
values' own, each without a labelSelector given the pods' selector labels. Takes
(dict "root" $ "selectorLabels" <YAML of the Deployment's matchLabels>).
*/}}
{{- define "appconnector.topologySpreadConstraints" -}}
{{- $selector := .selectorLabels | fromYaml }}
{{- $constraints := list }}
{{- if .root.Values.spreadAcrossNodes }}
{{- $constraints = append $constraints (dict "maxSkew" 1 "topologyKey" "kubernetes.io/hostname" "whenUnsatisfiable" "ScheduleAnyway" "labelSelector" (dict "matchLabels" $selector)) }}
{{- end }}
{{- range .root.Values.topologySpreadConstraints }}
{{- $c := deepCopy . }}
{{- if not (hasKey $c "labelSelector") }}
{{- $_ := set $c "labelSelector" (dict "matchLabels" $selector) }}
{{- end }}
{{- $constraints = append $constraints $c }}
{{- end }}
{{- with $constraints }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/* The token endpoint's TLS Secret. */}}
{{- define "appconnector.tokenTlsSecret" -}}
{{- default (printf "%s-token-tls" (include "appconnector.fullname" .)) .Values.token.tls.secretName }}
{{- end }}

{{/*
The two Deployments of one image: the controller (reconcilers, under the operator's ServiceAccount)
and the token server (the network-facing endpoint, under its own ServiceAccount). Each takes
(dict "root" $ "component" "controller"|"token-server").
*/}}
{{- define "appconnector.componentName" -}}
{{- printf "%s-%s" (include "appconnector.fullname" .root | trunc 50 | trimSuffix "-") .component }}
{{- end }}

{{- define "appconnector.componentSelectorLabels" -}}
{{ include "appconnector.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "appconnector.componentLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "appconnector.componentSelectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: appconnector
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/* The token server's ServiceAccount (the controller's is named like the release). */}}
{{- define "appconnector.tokenServiceAccount" -}}
{{- include "appconnector.componentName" (dict "root" . "component" "token-server") }}
{{- end }}

{{/* The Secrets the token server reads in the release namespace: signing keys, introspection callers, TLS. */}}
{{- define "appconnector.tokenSecretNames" -}}
{{- $names := list "appconnector-signing-keys" "appconnector-introspection" }}
{{- if ne .Values.token.tls.mode "none" }}
{{- $names = append $names (include "appconnector.tokenTlsSecret" .) }}
{{- end }}
{{- toJson $names }}
{{- end }}
