#!/usr/bin/env bash
# goreleaser check of .goreleaser.yml, then a snapshot release of the host's
# own platform only (a full release builds every OS and architecture), and a
# check that it holds what the Registry needs: the zip with the provider
# binary, the SHA256SUMS that lists it, and the manifest. goreleaser is
# built from the Go module proxy at a pinned version into bin/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=${GORELEASER_VERSION:-v2.15.1}
goreleaser=bin/goreleaser
if ! { [ -x "$goreleaser" ] && grep -q "GitVersion:[[:space:]]*${version}$" <<<"$("$goreleaser" --version 2>/dev/null)"; }; then
  echo "building goreleaser ${version} from the Go module proxy"
  GOBIN="$root/bin" go install "github.com/goreleaser/goreleaser/v2@${version}"
fi

"$goreleaser" check

target="$(go env GOOS)_$(go env GOARCH)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The same configuration, its builds limited to this platform.
python3 - "$target" > "$work/goreleaser.yml" <<'PY'
import sys
text = open(".goreleaser.yml").read()
marker = "builds:\n  - env:\n"
assert marker in text, "builds section not found in .goreleaser.yml"
print(text.replace(marker, "builds:\n  - targets: [%s]\n    env:\n" % sys.argv[1], 1), end="")
PY
"$goreleaser" release --snapshot --clean --skip=sign --config "$work/goreleaser.yml"

zip=$(ls dist/terraform-provider-windows_*_"${target}".zip)
sums=$(ls dist/terraform-provider-windows_*_SHA256SUMS)
ver=${zip#dist/terraform-provider-windows_}; ver=${ver%_"${target}".zip}
listing=$(unzip -l "$zip")
# Matched on the captured listing: grep -q on a pipe may exit before unzip
# has written it all, and pipefail then takes unzip's SIGPIPE for a miss.
grep -q " terraform-provider-windows_v${ver}\$" <<<"$listing" || { echo "$listing"; echo "$zip lacks terraform-provider-windows_v${ver}"; exit 1; }
grep -q " $(basename "$zip")\$" "$sums" || { cat "$sums"; echo "$sums does not list $(basename "$zip")"; exit 1; }
grep -q "terraform-provider-windows_${ver}_manifest.json\$" "$sums" || { echo "$sums does not list the manifest"; exit 1; }
(cd dist && sha256sum --ignore-missing -c "$(basename "$sums")")
echo "release snapshot: $(basename "$zip") and $(basename "$sums") for ${target}"
