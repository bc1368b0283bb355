#!/usr/bin/env bash
# examples/fleet on OpenTofu: N simulated Sage 50 servers (bin/winsim, from
# examples/scenarios/sage50.json, N=5 by default), one certificate each, the
# Sage 50 procedure applied to all of them through OpenTofu's provider
# for_each, then a plan that must be empty, and every host's served
# certificate (windows_tls_endpoint) compared with the one imported there.
# The simulators are stopped on exit. Run through `make demo-fleet`, which
# builds the provider, bin/winsim and bin/tofu first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tf=${TF:-$root/bin/tofu}
n=${N:-5}
run="$root/demo/.fleet"
# shellcheck source=scripts/winsim-lib.sh
. "$root/scripts/winsim-lib.sh"
[[ $("$tf" version 2>/dev/null || true) == OpenTofu* ]] || { echo "examples/fleet needs OpenTofu (provider for_each): TF=$tf is not" >&2; exit 2; }
prepare_run "$run"

# Each customer has its own WinRM password and its own PFX password, as in
# a managed-services estate; they reach OpenTofu only through the ephemeral
# variable credentials (TF_VAR_credentials), never a file.
hosts="{" credentials="{" started=""
for i in $(seq -w 1 "$n"); do
  name="customer$i"
  sim_password=$(openssl rand -base64 18)
  export TF_VAR_pfx_password # new_pfx encrypts the customer's PFX with it
  TF_VAR_pfx_password=$(openssl rand -base64 12)
  start_sim "$run" "$name" "SAGE50-$i" "$root/examples/scenarios/sage50.json"
  new_pfx "$run" "$name" "sage50.$name.example" "serverAuth,clientAuth"
  [ "$hosts" = "{" ] || { hosts+=","; credentials+=","; }
  hosts+="\"$name\": {\"address\": \"${sim_addr%:*}\", \"port\": ${sim_addr##*:}, \"fqdn\": \"sage50.$name.example\", \"pfx_path\": \"$run/$name.pfx\"}"
  credentials+="\"$name\": {\"winrm_username\": \"Administrator\", \"winrm_password\": \"$sim_password\", \"pfx_password\": \"$TF_VAR_pfx_password\"}"
  started+="${started:+, }$name on $sim_addr"
done
unset TF_VAR_pfx_password
hosts+="}" credentials+="}"
echo "{\"hosts\": $hosts}" > "$run/hosts.tfvars.json"
export TF_VAR_credentials="$credentials"
echo "$n simulated Sage 50 servers: $started"

cd "$(copy_example "$run" fleet)"
rm -f ./*.tfvars.json # the example's own hosts file names no reachable hosts
"$tf" get -var-file="$run/hosts.tfvars.json" >/dev/null
"$tf" apply -auto-approve -input=false -var-file="$run/hosts.tfvars.json"
echo "--- re-plan (must be empty) ---"
"$tf" plan -detailed-exitcode -input=false -var-file="$run/hosts.tfvars.json"

# Every host serves the certificate imported there, as the host itself sees
# it (windows_tls_endpoint in the module's check).
"$tf" output -json | python3 -c '
import json, sys
out = json.load(sys.stdin)
served, certs = out["served_thumbprints"]["value"], out["certificates"]["value"]
bad = 0
for host in sorted(certs):
    want, got = certs[host]["thumbprint"], served.get(host)
    print("--- %s: windows_tls_endpoint, from the host: port 4106 serves %s%s" % (host, got, "" if got == want else " (want %s)" % want))
    bad += got != want
sys.exit(1 if bad or len(certs) != int(sys.argv[1]) else 0)
' "$n"
echo "the fleet of $n hosts serves the certificates the procedure installed"
