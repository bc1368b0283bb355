#!/usr/bin/env bash
# terraform validate of every example directory (examples/**/ with a .tf
# file), against the provider in bin/ (make build), with nothing downloaded.
# TF=tofu validates with OpenTofu instead. A directory that does not declare
# required_providers (the short Registry examples) gets the provider's source
# address added in its scratch copy, as a user's configuration would have it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tf=${TF:-terraform}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/cli.tfrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/seed-1120c41c/windows"  = "$root/bin"
    "registry.opentofu.org/seed-1120c41c/windows" = "$root/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

failed=0 passed=0
while IFS= read -r dir; do
  rel=${dir#"$root"/}
  copy="$work/$(echo "$rel" | tr / _)"
  mkdir -p "$copy"
  cp "$dir"/*.tf "$copy/"
  if ! grep -q required_providers "$copy"/*.tf; then
    printf 'terraform {\n  required_providers {\n    windows = { source = "seed-1120c41c/windows" }\n  }\n}\n' > "$copy/zz_validate_providers.tf"
  fi
  if out=$(cd "$copy" && "$tf" validate -no-color 2>&1); then
    passed=$((passed + 1)); echo "ok    $rel"
  else
    failed=$((failed + 1)); echo "FAIL  $rel"; echo "$out" | sed 's/^/      /'
  fi
done < <(find "$root/examples" -name '*.tf' -not -path '*/.terraform/*' -printf '%h\n' | sort -u)

echo "validate-examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
