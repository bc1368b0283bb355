#!/usr/bin/env bash
# `make install` into a scratch filesystem mirror, then `terraform init` (or
# TF=tofu) with the CLI configuration it printed, in a scratch directory:
# the provider must install from the mirror with no dev_overrides, and the
# installed version must be the one make install built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tf=${TF:-terraform}
version=${VERSION:-0.1.0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make -s -C "$root" install MIRROR="$work/mirror" VERSION="$version" > "$work/install.out"
sed -n '/^provider_installation/,/^}/p' "$work/install.out" > "$work/cli.tfrc"
grep -q filesystem_mirror "$work/cli.tfrc" || { cat "$work/install.out"; echo "make install printed no CLI configuration"; exit 1; }
! grep -q dev_overrides "$work/cli.tfrc"

mkdir "$work/config"
cat > "$work/config/main.tf" <<'TF'
terraform {
  required_providers {
    windows = { source = "seed-1120c41c/windows" }
  }
}

output "thumbprint" {
  value = provider::windows::normalize_thumbprint("01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67")
}
TF
cd "$work/config"
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
"$tf" init -input=false -no-color > "$work/init.out" || { cat "$work/init.out"; exit 1; }
tf_version=$("$tf" version)
grep -q "provider registry.*seed-1120c41c/windows v${version}\$" <<<"$tf_version" || { echo "$tf_version"; echo "the provider from the mirror is not installed at ${version}"; exit 1; }
"$tf" apply -auto-approve -input=false -no-color > "$work/apply.out" || { cat "$work/apply.out"; exit 1; }
out=$("$tf" output -raw thumbprint)
[ "$out" = 0123456789ABCDEF0123456789ABCDEF01234567 ] || { echo "unexpected output $out"; exit 1; }
echo "make install: $tf init installed seed-1120c41c/windows ${version} from the filesystem mirror"
