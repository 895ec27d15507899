{{/*
The backup and restore-drill CronJobs: the server's image, settings, Secrets and restricted
security context; the backup store on its own volume at /backups.
*/}}

{{/* Fails rendering unless an enabled backup names its store and the store is in the EU. */}}
{{- define "airlock.validateBackup" -}}
{{- $b := .Values.backup -}}
{{- if $b.enabled -}}
{{- if not $b.store.existingClaim -}}
{{- fail "backup.enabled is true but backup.store.existingClaim is empty: name the PersistentVolumeClaim of your backup store (in the EU, apart from the database volume)" -}}
{{- end -}}
{{- if not $b.store.region -}}
{{- fail "backup.enabled is true but backup.store.region is empty: name the EU region the backup store is in (backups hold personal data and stay in the EU)" -}}
{{- end -}}
{{- $known := include "airlock.euRegions" . | fromYaml -}}
{{- $custom := dict -}}
{{- range .Values.residency.customRegions -}}
{{- $_ := set $custom .name .country -}}
{{- end -}}
{{- if not (or (hasKey $known $b.store.region) (hasKey $custom $b.store.region)) -}}
{{- fail (printf "backup.store.region: %q is not a region in an EU member state; backups stay in the EU (declare a private-cloud region in residency.customRegions)" $b.store.region) -}}
{{- end -}}
{{- if and (eq .Values.database.type "sqlite") (not .Values.persistence.enabled) -}}
{{- fail "backup.enabled with database.type=sqlite needs persistence.enabled: the backup job reads the SQLite files from the data volume" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The pod spec of a backup job; .args are the airlock arguments, .extraVolumes/.extraMounts added. */}}
{{- define "airlock.backupPodSpec" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $sqlite := eq $v.database.type "sqlite" -}}
serviceAccountName: {{ include "airlock.serviceAccountName" $root }}
automountServiceAccountToken: false
enableServiceLinks: false
restartPolicy: Never
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- include "airlock.podSecurityContext" $root | nindent 2 }}
affinity:
  {{- include "airlock.residencyAffinity" $root | nindent 2 }}
  {{- if $sqlite }}
  # The SQLite files are on a ReadWriteOnce volume: run on the server's node to mount it.
  podAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      - topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "airlock.selectorLabels" $root | nindent 12 }}
            app.kubernetes.io/component: server
  {{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: {{ .name }}
    image: {{ include "airlock.image" $root | quote }}
    imagePullPolicy: {{ $v.image.pullPolicy }}
    args: {{ toJson .args }}
    envFrom:
      - configMapRef:
          name: {{ include "airlock.fullname" $root }}-env
    {{- if or (not $sqlite) $v.keyVault.existingSecret }}
    env:
      {{- if not $sqlite }}
      - name: AIRLOCK_DATABASE_URL
        valueFrom:
          secretKeyRef:
            name: {{ $v.database.existingSecret | quote }}
            key: {{ $v.database.key | quote }}
      {{- end }}
      {{- if $v.keyVault.existingSecret }}
      - name: AIRLOCK_KEY_VAULT_URL
        valueFrom:
          secretKeyRef:
            name: {{ $v.keyVault.existingSecret | quote }}
            key: {{ $v.keyVault.key | quote }}
      {{- end }}
    {{- end }}
    securityContext:
      {{- include "airlock.containerSecurityContext" $root | nindent 6 }}
    resources:
      {{- toYaml $v.backup.resources | nindent 6 }}
    volumeMounts:
      - name: data
        mountPath: /data
      - name: tmp
        mountPath: /tmp
      - name: backups
        mountPath: /backups
      {{- if $v.masterKey.existingSecret }}
      - name: master-keys
        mountPath: /etc/airlock/secrets/master-keys
        readOnly: true
      {{- end }}
      {{- if $v.oidc.clientSecret.existingSecret }}
      - name: oidc
        mountPath: /etc/airlock/secrets/oidc
        readOnly: true
      {{- end }}
      {{- with .extraMounts }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
volumes:
  - name: data
    {{- if $sqlite }}
    persistentVolumeClaim:
      claimName: {{ default (printf "%s-data" (include "airlock.fullname" $root)) $v.persistence.existingClaim }}
    {{- else }}
    emptyDir:
      sizeLimit: 256Mi
    {{- end }}
  - name: tmp
    emptyDir:
      sizeLimit: {{ $v.tmpSizeLimit }}
  - name: backups
    persistentVolumeClaim:
      claimName: {{ $v.backup.store.existingClaim | quote }}
  {{- if $v.masterKey.existingSecret }}
  - name: master-keys
    secret:
      secretName: {{ $v.masterKey.existingSecret | quote }}
      items:
        - key: {{ $v.masterKey.key | quote }}
          path: {{ $v.masterKey.key | quote }}
      defaultMode: 0440
  {{- end }}
  {{- if $v.oidc.clientSecret.existingSecret }}
  - name: oidc
    secret:
      secretName: {{ $v.oidc.clientSecret.existingSecret | quote }}
      items:
        - key: {{ $v.oidc.clientSecret.key | quote }}
          path: {{ $v.oidc.clientSecret.key | quote }}
      defaultMode: 0440
  {{- end }}
  {{- with .extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}
