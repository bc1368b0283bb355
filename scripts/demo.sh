#!/usr/bin/env bash
# The main job (README): terraform apply of the Sage 50 Accounts Connector
# procedure, against the built-in simulated host unless WINRM_HOST names a
# real one, then a plan that must be empty. Run through `make demo`, which
# builds bin/terraform-provider-windows and bin/winsim first. TF names the
# binary that runs it: terraform on PATH by default, TF=tofu for OpenTofu
# (`make demo-tofu`).
set -euo pipefail
tf=${TF:-terraform}
root=$(cd "$(dirname "$0")/.." && pwd)
run="$root/demo/.run"
rm -rf "$run" && mkdir -p "$run"

# Terraform uses the provider just built, never a downloaded one (OpenTofu
# names the same source address under its own registry's host name).
cat > "$run/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/seed-1120c41c/windows"  = "$root/bin"
    "registry.opentofu.org/seed-1120c41c/windows" = "$root/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$run/terraformrc" TF_IN_AUTOMATION=1

# The certificate the reseller bought, as a password-protected PFX (AES-256,
# as current Windows and OpenSSL 3 export it). With a real host, name your own
# with TF_VAR_pfx_path and TF_VAR_pfx_password.
if [ -z "${TF_VAR_pfx_path:-}" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=sage50.example.local" \
    -addext "subjectAltName=DNS:sage50.example.local" \
    -addext "extendedKeyUsage=serverAuth,clientAuth" \
    -keyout "$run/key.pem" -out "$run/cert.pem" 2>/dev/null
  export TF_VAR_pfx_password
  TF_VAR_pfx_password=$(openssl rand -base64 12)
  openssl pkcs12 -export -in "$run/cert.pem" -inkey "$run/key.pem" -out "$run/sage50.pfx" \
    -passout env:TF_VAR_pfx_password
  export TF_VAR_pfx_path="$run/sage50.pfx"
fi

if [ -z "${WINRM_HOST:-}" ]; then
  password=$(openssl rand -base64 18)
  WINSIM_PASSWORD="$password" "$root/bin/winsim" -listen 127.0.0.1:0 -hostname SAGE50 \
    -scenario "$root/examples/scenarios/sage50.json" -addr-out "$run/addr.json" >"$run/winsim.log" 2>&1 &
  sim=$!
  trap 'kill $sim 2>/dev/null || true' EXIT
  for _ in $(seq 100); do [ -s "$run/addr.json" ] && break; sleep 0.1; done
  [ -s "$run/addr.json" ] || { cat "$run/winsim.log"; echo "winsim did not start"; exit 1; }
  addr=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$run/addr.json")
  export WINRM_HOST=${addr%:*} WINRM_PORT=${addr##*:} WINRM_USERNAME=Administrator WINRM_PASSWORD="$password"
  echo "simulated host SAGE50 on $addr (NTLM with message encryption)"
fi

cp "$root"/examples/sage50/*.tf "$run/"
cd "$run"
"$tf" apply -auto-approve -input=false
echo "--- re-plan (must be empty) ---"
"$tf" plan -detailed-exitcode -input=false

# The seeds' last check: the endpoint now serves that certificate. The
# simulator maps the service's port to a loopback address of its own.
if [ -n "${addr:-}" ]; then
  want=$("$tf" output -json certificate | python3 -c 'import json,sys; print(json.load(sys.stdin)["thumbprint"])')
  endpoint=$(WINRM_PASSWORD="$password" python3 - "$addr" <<'PY'
import base64, json, os, sys, urllib.request
req = urllib.request.Request("http://%s/winsim/endpoints" % sys.argv[1])
token = base64.b64encode(("Administrator:" + os.environ["WINRM_PASSWORD"]).encode()).decode()
req.add_header("Authorization", "Basic " + token)
eps = json.load(urllib.request.urlopen(req, timeout=10))
print(next(e["address"] for e in eps if e["port"] == 4106))
PY
)
  served=$(openssl s_client -connect "$endpoint" -servername sage50.example.local </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
  echo "--- the Integration Service on port 4106 (simulated at $endpoint) serves $served ---"
  [ "$served" = "$want" ] || { echo "want the imported certificate $want"; exit 1; }
fi
