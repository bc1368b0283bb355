#!/usr/bin/env bash
# Builds OpenTofu's command-line tool (cmd/tofu) at a pinned version from the
# Go module proxy into bin/tofu. `go install …@version` refuses OpenTofu's
# module because its go.mod has replace directives, so this builds cmd/tofu
# inside a copy of the module's own source, where those directives apply.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${TOFU_VERSION:-v1.11.4}"
out="${TOFU_OUT:-bin/tofu}"

if [[ -x "$out" ]] && [[ "$("$out" version 2>/dev/null | sed -n 1p)" == "OpenTofu ${version}" ]]; then
  echo "$out is already OpenTofu ${version}"
  exit 0
fi

dir="$(go mod download -json "github.com/opentofu/opentofu@${version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -d "$dir" ]] || { echo "go mod download gave no source directory for opentofu ${version}" >&2; exit 1; }

# The module cache is read-only; build in a writable copy.
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" && rm -rf "$work"' EXIT
cp -r "$dir/." "$work/"
chmod -R u+w "$work"

mkdir -p "$(dirname "$out")"
abs_out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
(cd "$work" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
  -o "$abs_out" ./cmd/tofu)
"$out" version | sed -n 1p
