{{/*
EU data residency. Regions of the public clouds that lie in EU member states, with their
country. Not listed on purpose: regions outside the EU such as London (eu-west-2,
europe-west2, uksouth), Zurich (eu-central-2, europe-west6, switzerlandnorth) and Norway
(norwayeast). Private clouds declare their region labels in residency.customRegions.
*/}}
{{- define "airlock.euRegions" -}}
# AWS
eu-central-1: DE
eu-west-1: IE
eu-west-3: FR
eu-north-1: SE
eu-south-1: IT
eu-south-2: ES
# Google Cloud
europe-west1: BE
europe-west3: DE
europe-west4: NL
europe-west8: IT
europe-west9: FR
europe-west10: DE
europe-west12: IT
europe-north1: FI
europe-north2: SE
europe-central2: PL
europe-southwest1: ES
# Microsoft Azure
westeurope: NL
northeurope: IE
francecentral: FR
francesouth: FR
germanywestcentral: DE
germanynorth: DE
swedencentral: SE
swedensouth: SE
italynorth: IT
polandcentral: PL
spaincentral: ES
{{- end -}}

{{/* ISO 3166-1 codes of the 27 EU member states. */}}
{{- define "airlock.euCountries" -}}
AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE
{{- end -}}

{{/* Fails rendering unless every allowed region is in an EU member state; prints nothing. */}}
{{- define "airlock.validateResidency" -}}
{{- $regions := .Values.residency.allowedRegions -}}
{{- if empty $regions -}}
{{- fail "residency.allowedRegions is required: list the EU regions Airlock may run in (for example [eu-central-1] or [europe-west3]); pods get a required node affinity on topology.kubernetes.io/region" -}}
{{- end -}}
{{- $known := include "airlock.euRegions" . | fromYaml -}}
{{- $countries := include "airlock.euCountries" . | splitList " " -}}
{{- $custom := dict -}}
{{- range .Values.residency.customRegions -}}
{{- if not (has .country $countries) -}}
{{- fail (printf "residency.customRegions: region %q is in %q, which is not an EU member state (EU-only deployment)" .name .country) -}}
{{- end -}}
{{- $_ := set $custom .name .country -}}
{{- end -}}
{{- range $regions -}}
{{- if not (or (hasKey $known .) (hasKey $custom .)) -}}
{{- fail (printf "residency.allowedRegions: %q is not a region in an EU member state (EU-only deployment). Known EU regions: %s. For a private cloud, declare the region label in residency.customRegions with its EU country code." . (keys $known | sortAlpha | join ", ")) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The required node affinity that pins pods to the allowed regions. */}}
{{- define "airlock.residencyAffinity" -}}
nodeAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    nodeSelectorTerms:
      - matchExpressions:
          - key: topology.kubernetes.io/region
            operator: In
            values:
              {{- range .Values.residency.allowedRegions }}
              - {{ . | quote }}
              {{- end }}
{{- end -}}
