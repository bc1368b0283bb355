#!/usr/bin/env bash
# examples/fleet on OpenTofu: N simulated Sage 50 servers (bin/winsim, from
# examples/scenarios/sage50.json, N=5 by default), one certificate each, the
# Sage 50 procedure applied to all of them through OpenTofu's provider
# for_each, then a plan that must be empty, and every host's served
# certificate (windows_tls_endpoint) compared with the one imported there.
# One host's certificate is short-lived (20 days, the others 365): the
# estate report (output estate_report) must list every binding of every
# host, as each simulated host holds them, with its days left; a plan with
# min_days_left between the two must fail naming that host and no other,
# and one below both must pass. The simulators are stopped on exit. Run through `make demo-fleet`, which
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
hosts="{" credentials="{" started="" sims="{"
short_days=20 long_days=365 short_index=$(( n >= 3 ? 3 : n )) short=""
for i in $(seq -w 1 "$n"); do
  name="customer$i"
  sim_password=$(openssl rand -base64 18)
  export TF_VAR_pfx_password # new_pfx encrypts the customer's PFX with it
  TF_VAR_pfx_password=$(openssl rand -base64 12)
  start_sim "$run" "$name" "SAGE50-$i" "$root/examples/scenarios/sage50.json"
  days=$long_days
  if [ $((10#$i)) -eq "$short_index" ]; then days=$short_days short=$name; fi
  PFX_DAYS=$days new_pfx "$run" "$name" "sage50.$name.example" "serverAuth,clientAuth"
  # The admin API (same credentials) shows what each host holds, for the report's check.
  [ "$sims" = "{" ] || sims+=","
  sims+="\"$name\": {\"addr\": \"$sim_addr\", \"password\": \"$sim_password\"}"
  [ "$hosts" = "{" ] || { hosts+=","; credentials+=","; }
  hosts+="\"$name\": {\"address\": \"${sim_addr%:*}\", \"port\": ${sim_addr##*:}, \"fqdn\": \"sage50.$name.example\", \"pfx_path\": \"$run/$name.pfx\"}"
  credentials+="\"$name\": {\"winrm_username\": \"Administrator\", \"winrm_password\": \"$sim_password\", \"pfx_password\": \"$TF_VAR_pfx_password\"}"
  started+="${started:+, }$name on $sim_addr"
done
unset TF_VAR_pfx_password
hosts+="}" credentials+="}" sims+="}"
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

# The estate report lists every SSL binding each host holds (its simulator's
# state, through the admin API), with the certificate's subject and the
# days left its PFX was made for: $long_days days, so $((long_days - 1)) whole
# days left, and $short_days on $short.
echo "--- estate report (output estate_report) ---"
"$tf" output -json estate_report | SIMS="$sims" python3 -c '
import base64, json, os, sys, urllib.request
report = json.load(sys.stdin)
sims = json.loads(os.environ["SIMS"])
n, short, short_days, long_days = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for r in report:
    print("  %-12s %-24s %-32s %s days left" % (r["host"], r["binding"], r["subject"], r["days_left"]))
bad = []
if sorted({r["host"] for r in report}) != sorted(sims) or len(sims) != n:
    bad.append("the report names hosts %s, want the %d hosts %s" % (sorted({r["host"] for r in report}), n, sorted(sims)))
days = [r["days_left"] for r in report]
if days != sorted(days):
    bad.append("the report is not soonest expiry first: %s" % days)
for host, sim in sorted(sims.items()):
    req = urllib.request.Request("http://%s/winsim/state" % sim["addr"])
    req.add_header("Authorization", "Basic " + base64.b64encode(("Administrator:" + sim["password"]).encode()).decode())
    state = json.load(urllib.request.urlopen(req))
    held = sorted("hostnameport=" + b["hostnameport"] if b.get("hostnameport") else "ipport=" + b["ipport"] for b in state.get("sslcert_bindings") or [])
    rows = [r for r in report if r["host"] == host]
    if sorted(r["binding"] for r in rows) != held:
        bad.append("%s holds bindings %s, the report lists %s" % (host, held, sorted(r["binding"] for r in rows)))
    want_days = (short_days if host == short else long_days) - 1
    for r in rows:
        if r["days_left"] != want_days or r["subject"] != "CN=sage50.%s.example" % host:
            bad.append("%s %s: %s with %s days left, want CN=sage50.%s.example with %d" % (host, r["binding"], r["subject"], r["days_left"], host, want_days))
for b in bad:
    print("estate report: " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
' "$n" "$short" "$short_days" "$long_days"

# min_days_left above the short-lived certificate's days left, below the
# others': the plan fails, naming that host and no other.
threshold=$(( (short_days + long_days) / 2 ))
echo "--- plan with min_days_left = $threshold (must fail naming $short only) ---"
if "$tf" plan -no-color -input=false -var-file="$run/hosts.tfvars.json" -var "min_days_left=$threshold" >"$run/threshold.out" 2>&1; then
  cat "$run/threshold.out"; echo "the plan with min_days_left = $threshold passed; it must fail on $short" >&2; exit 1
fi
# The errors (the refresh lines before them name every host).
sed -n '/Error:/,$p' "$run/threshold.out" >"$run/threshold.err"
cat "$run/threshold.err"
grep -q "Host $short " "$run/threshold.err" || { cat "$run/threshold.out"; echo "the failed plan does not name $short" >&2; exit 1; }
for i in $(seq -w 1 "$n"); do
  [ "customer$i" = "$short" ] && continue
  if grep -qw "customer$i" "$run/threshold.err"; then
    echo "the failed plan names customer$i, whose certificate has $((long_days - 1)) days left" >&2; exit 1
  fi
done
# Below every host's days left: nothing to report, nothing to change.
echo "--- plan with min_days_left = $((short_days / 2)) (must pass, empty) ---"
"$tf" plan -detailed-exitcode -input=false -var-file="$run/hosts.tfvars.json" -var "min_days_left=$((short_days / 2))" >/dev/null
echo "the estate report lists every binding of the $n hosts; min_days_left = $threshold fails the plan on $short alone"
