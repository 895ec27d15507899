{{/*
Secrets for the TLS and credentials of the PostgreSQL and Redis connections, each mounted as files
under /etc/airlock/secrets/<name> (configmap-env.yaml points the AIRLOCK_*_FILE settings there).
Rendered as YAML {mounts: [{name, secret, keys}]} for fromYaml (helm 3.6 has no fromYamlArray).
*/}}
{{- define "airlock.connectionSecretMounts" -}}
{{- $v := .Values -}}
mounts:
{{- with $v.database.tls.caSecret }}
  - {name: database-ca, secret: {{ . | quote }}, keys: [{{ $v.database.tls.caKey | quote }}]}
{{- end }}
{{- with $v.database.tls.clientCertSecret }}
  - {name: database-client, secret: {{ . | quote }}, keys: [tls.crt, tls.key]}
{{- end }}
{{- with $v.redis.tls.caSecret }}
  - {name: redis-ca, secret: {{ . | quote }}, keys: [{{ $v.redis.tls.caKey | quote }}]}
{{- end }}
{{- with $v.redis.tls.clientCertSecret }}
  - {name: redis-client, secret: {{ . | quote }}, keys: [tls.crt, tls.key]}
{{- end }}
{{- with $v.redis.password.existingSecret }}
  - {name: redis-password, secret: {{ . | quote }}, keys: [{{ $v.redis.password.key | quote }}]}
{{- end }}
{{- end -}}
