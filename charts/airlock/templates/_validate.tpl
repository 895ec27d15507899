{{/*
Checks that span several values, each failing rendering with a message that says what to set.
Types and unknown keys are checked earlier by values.schema.json.
*/}}
{{- define "airlock.validate" -}}
{{- include "airlock.validateResidency" . -}}
{{- include "airlock.validateBackup" . -}}
{{- $v := .Values -}}
{{- if gt (int (include "airlock.maxReplicas" .)) 1 -}}
{{- if ne $v.database.type "postgres" -}}
{{- fail (printf "replicaCount/autoscaling allow %s replicas, but database.type is %q: more than one replica needs external PostgreSQL (database.type=postgres with database.existingSecret) and Redis (redis.existingSecret); SQLite serves a single replica only" (include "airlock.maxReplicas" .) $v.database.type) -}}
{{- end -}}
{{- if not $v.redis.existingSecret -}}
{{- fail (printf "replicaCount/autoscaling allow %s replicas, but redis.existingSecret is empty: more than one replica needs Redis for the cross-replica bus" (include "airlock.maxReplicas" .)) -}}
{{- end -}}
{{- end -}}
{{- if and (eq $v.database.type "postgres") (not $v.database.existingSecret) -}}
{{- fail "database.type is postgres but database.existingSecret is empty: name the Secret holding the postgres:// URL (key database.key)" -}}
{{- end -}}
{{- if and (eq $v.database.type "postgres") (not $v.keyVault.existingSecret) -}}
{{- fail "database.type is postgres but keyVault.existingSecret is empty: name the Secret holding the key vault URL (a separate PostgreSQL database for the chat data keys, e.g. postgres://…/airlock_keys; key keyVault.key)" -}}
{{- end -}}
{{- if and (not $v.redis.existingSecret) (or $v.redis.tls.caSecret $v.redis.tls.clientCertSecret $v.redis.username $v.redis.password.existingSecret) -}}
{{- fail "redis.tls, redis.username or redis.password is set but redis.existingSecret is empty: name the Secret holding the rediss:// URL of the bus" -}}
{{- end -}}
{{- if and $v.clamav.enabled (not $v.clamav.signaturesClaim) -}}
{{- fail "clamav.enabled is true but clamav.signaturesClaim is empty: name the PersistentVolumeClaim that holds clamd's signature databases (kept current by freshclam or a mirror; docs/deployment.md)" -}}
{{- end -}}
{{- if and $v.ingress.enabled (not $v.ingress.host) -}}
{{- fail "ingress.enabled is true but ingress.host is empty" -}}
{{- end -}}
{{- if and $v.ingress.enabled (not $v.ingress.tls.secretName) -}}
{{- fail "ingress.enabled is true but ingress.tls.secretName is empty: Airlock is served over TLS only; name the certificate Secret (cert-manager can create it)" -}}
{{- end -}}
{{- if eq $v.airlock.mode "production" -}}
{{- $url := include "airlock.publicUrl" . -}}
{{- if not (hasPrefix "https://" $url) -}}
{{- fail "airlock.publicUrl must be an https:// URL in production (or enable the ingress with a host)" -}}
{{- end -}}
{{- if not (and $v.oidc.issuer $v.oidc.clientId) -}}
{{- fail "production mode signs agents in through your IdP: set oidc.issuer and oidc.clientId" -}}
{{- end -}}
{{- if not $v.oidc.clientSecret.existingSecret -}}
{{- fail "production mode needs oidc.clientSecret.existingSecret: the Secret holding the OIDC client secret" -}}
{{- end -}}
{{- if not $v.masterKey.existingSecret -}}
{{- fail "production mode needs masterKey.existingSecret: the Secret holding the encryption master keys (KEYID:BASE64 per line)" -}}
{{- end -}}
{{- if not (hasKey $v.policies.files "sites.yaml") -}}
{{- fail "production mode needs policies.files.\"sites.yaml\" listing your websites' https origins: the shipped sites.yaml holds only the dev demo site" -}}
{{- end -}}
{{- end -}}
{{- end -}}
