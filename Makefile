# Airlock. `make run` starts it with embedded defaults; `make test` runs the whole suite.
# Every recipe runs with Node >= 24 first on PATH (fetched from the npm registry when the
# machine's node is older, see scripts/node-env.sh).
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_BIN := $(shell sh scripts/node-env.sh)
export PATH := $(NODE_BIN):$(PATH)
export npm_config_fund := false
export npm_config_audit := false
export npm_config_update_notifier := false

.PHONY: help deps build run test typecheck lint clean image test-image sbom compliance

help:
	@echo "make run    install, build, migrate ./data/airlock.db and start Airlock on http://127.0.0.1:8080"
	@echo "make test   install test dependencies, start PostgreSQL and Redis on loopback, run the whole suite"
	@echo "make build  compile the server into dist/"
	@echo "make lint   ESLint with typescript-eslint's type-aware rules over the whole project (part of make test)"
	@echo "make image  build the OCI image from Containerfile with podman (offline base stand-ins) and its SBOM (dist/image/sbom.cdx.json)"
	@echo "make test-image  only the image and Helm chart tests (part of make test)"
	@echo "make sbom   regenerate compliance/sbom.cdx.json from package-lock.json"
	@echo "make compliance  regenerate the compliance tables that repeat policy data (retention schedule, RoPA) and the OSCAL component definition"

node_modules/.stamp: package.json package-lock.json
	npm ci --no-fund --no-audit --loglevel=error
	@touch $@

deps: node_modules/.stamp

build: deps
	npx tsc -p tsconfig.build.json
	node scripts/build-visitor.mjs
	node scripts/build-console.mjs

typecheck: deps
	npx tsc -p tsconfig.json --noEmit

lint: deps
	npx eslint --max-warnings 0 .

run: build
	AIRLOCK_DATA_DIR=$${AIRLOCK_DATA_DIR:-./data} bin/airlock migrate up
	AIRLOCK_DATA_DIR=$${AIRLOCK_DATA_DIR:-./data} AIRLOCK_ASSET_PROXY_ALLOW_LOOPBACK=$${AIRLOCK_ASSET_PROXY_ALLOW_LOOPBACK:-true} exec bin/airlock serve

test: build
	scripts/test.sh

image: deps
	scripts/image/build.sh

test-image: deps
	scripts/test.sh test/image test/chart

sbom: deps
	node scripts/sbom.mjs

compliance: deps
	node scripts/compliance-tables.ts
	node scripts/oscal-component-definition.ts

clean:
	rm -rf dist node_modules/.stamp
