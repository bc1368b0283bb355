# Who may use the private key of the certificate bound to port 4106.
data "windows_http_sslcert_bindings" "all" {}

locals {
  agent_thumbprint = one([
    for b in data.windows_http_sslcert_bindings.all.bindings : b.certificate_hash if b.ipport == "0.0.0.0:4106"
  ])
}

data "windows_certificate_private_key_access" "agent" {
  thumbprint = local.agent_thumbprint
}

output "key_readers" {
  value = {
    for e in data.windows_certificate_private_key_access.agent.entries : e.account => e.access
  }
}
