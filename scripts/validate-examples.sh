#!/usr/bin/env bash
# terraform validate of every example directory (examples/**/ with a .tf or
# .tofu file), against the provider in bin/ (make build), with nothing
# downloaded. TF=tofu validates with OpenTofu instead. The examples tree is
# copied whole, so that a root example's module source ("../modules/...")
# resolves as it does in the repository. A directory that does not declare
# required_providers (the short Registry examples) gets the provider's source
# address added in its copy, as a user's configuration would have it.
# A directory whose configuration is only in .tofu files (examples/fleet:
# OpenTofu's provider for_each) is for OpenTofu alone: Terraform, which does
# not read .tofu files, skips it.
# Modules under examples/modules are validated alone too, as their own roots.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tf=${TF:-terraform}
# shellcheck source=scripts/winsim-lib.sh
. "$root/scripts/winsim-lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
use_built_provider "$work/cli.tfrc"

is_tofu=false
tf_version=$("$tf" version 2>/dev/null || true)
[[ $tf_version == OpenTofu* ]] && is_tofu=true

(cd "$root" && find examples \( -name '*.tf' -o -name '*.tofu' -o -name '*.tfvars.json' \) -not -path '*/.terraform/*' -exec cp --parents {} "$work/" \;)

failed=0 passed=0 skipped=0
while IFS= read -r rel; do
  copy="$work/$rel"
  if ! compgen -G "$copy/*.tf" >/dev/null && [ "$is_tofu" = false ]; then
    skipped=$((skipped + 1)); echo "skip  $rel (OpenTofu only: .tofu files)"
    continue
  fi
  if ! grep -qs required_providers "$copy"/*.tf "$copy"/*.tofu; then
    printf 'terraform {\n  required_providers {\n    windows = { source = "seed-1120c41c/windows" }\n  }\n}\n' > "$copy/zz_validate_providers.tf"
  fi
  # A module that expects aliased provider configurations from its caller
  # (configuration_aliases: examples/modules/sage300-https) is validated with
  # empty ones, as Terraform cannot validate it alone (hashicorp/terraform#28490).
  for alias in $(grep -hs configuration_aliases "$copy"/*.tf | grep -o 'windows\.[A-Za-z0-9_-]*' | cut -d. -f2); do
    printf 'provider "windows" {\n  alias = "%s"\n}\n' "$alias" >> "$copy/zz_validate_aliases.tf"
  done
  # OpenTofu evaluates a provider for_each when it validates: the
  # directory's example variable files (examples/fleet's hosts) give it one.
  var_files=()
  if [ "$is_tofu" = true ]; then
    for f in "$copy"/*.tfvars.json; do [ -e "$f" ] && var_files+=("-var-file=$(basename "$f")"); done
  fi
  if out=$(cd "$copy" && "$tf" get -no-color "${var_files[@]}" 2>&1 >/dev/null && "$tf" validate -no-color "${var_files[@]}" 2>&1); then
    passed=$((passed + 1)); echo "ok    $rel"
  else
    failed=$((failed + 1)); echo "FAIL  $rel"; echo "$out" | sed 's/^/      /'
  fi
done < <(cd "$root" && find examples \( -name '*.tf' -o -name '*.tofu' \) -not -path '*/.terraform/*' -printf '%h\n' | sort -u)

echo "validate-examples (${tf_version%%$'\n'*}): $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
