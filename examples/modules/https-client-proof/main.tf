# The proof from a client machine: a TLS handshake made on the machine the
# caller's provider block connects to (a Sage 50 workstation, a NetPOS touch
# terminal or its back-office PC), to the name and port clients use. Name
# resolution (DNS), route, the server's firewall and the client's trust in
# the certificate are then as that machine sees them; a check made on the
# server itself passes whatever they are, since Windows does not filter a
# host's connections to itself.
#
#   provider "windows" {
#     alias = "till01"
#     host  = "till01.example.local"
#   }
#
#   module "proof_from_till01" {
#     source              = "../modules/https-client-proof"
#     providers           = { windows = windows.till01 }
#     client              = "the touch terminal TILL01"
#     address             = module.netpos.endpoint.host
#     port                = module.netpos.endpoint.port
#     expected_thumbprint = module.netpos.endpoint.thumbprint
#     strict_checks       = true
#     depends_on          = [module.netpos]
#   }
#
# depends_on the server's module: the handshake is made after the service
# has restarted on its new settings and the firewall rule is in place.
terraform {
  required_version = ">= 1.11"
  required_providers {
    windows = { source = "seed-1120c41c/windows" }
  }
}

variable "client" {
  description = "What the client machine is, for messages: \"the touch terminal TILL01\"."
  type        = string
  default     = "the client machine"
}

variable "address" {
  description = "The name clients connect to (the FQDN of the service's URI), resolved on the client machine."
  type        = string
}

variable "port" {
  description = "The service's HTTPS port."
  type        = number
}

variable "expected_thumbprint" {
  description = "The certificate the server must serve (40 hex digits)."
  type        = string
}

variable "strict_checks" {
  description = "Fail the apply (a postcondition) when the proof fails; false: the check only warns."
  type        = bool
  default     = false
}

data "windows_tls_endpoint" "from_client" {
  address     = var.address
  port        = var.port
  server_name = var.address

  lifecycle {
    postcondition {
      condition     = !var.strict_checks || (self.reachable && self.chain_trusted && self.thumbprint == upper(var.expected_thumbprint))
      error_message = "From ${var.client}, ${var.address}:${var.port} ${!self.reachable ? "cannot be reached: ${coalesce(self.error, "?")} (does ${var.address} resolve there, and does the server's firewall allow TCP ${var.port}? open_firewall adds the rule)" : !self.chain_trusted ? "serves a certificate ${var.client} does not trust: ${coalesce(self.chain_status, "?")} (is its root in Local Machine, Trusted Root Certification Authorities there?)" : "serves ${coalesce(self.thumbprint, "nothing")}, not the certificate ${upper(var.expected_thumbprint)}"}."
    }
  }
}

check "client_reaches_the_service" {
  assert {
    condition     = data.windows_tls_endpoint.from_client.reachable && data.windows_tls_endpoint.from_client.chain_trusted && data.windows_tls_endpoint.from_client.thumbprint == upper(var.expected_thumbprint)
    error_message = "From ${var.client}, ${var.address}:${var.port} serves ${coalesce(data.windows_tls_endpoint.from_client.thumbprint, "nothing")} (chain trusted there: ${data.windows_tls_endpoint.from_client.chain_trusted}): ${coalesce(data.windows_tls_endpoint.from_client.error, data.windows_tls_endpoint.from_client.chain_status, "not the expected certificate")}."
  }
}

output "served_thumbprint" {
  description = "The certificate served to the handshake made on the client machine (null when it failed)."
  value       = data.windows_tls_endpoint.from_client.thumbprint
}

output "chain_trusted" {
  description = "Whether the client machine trusts the served chain."
  value       = data.windows_tls_endpoint.from_client.chain_trusted
}

output "error" {
  description = "Why the handshake failed, or null."
  value       = data.windows_tls_endpoint.from_client.error
}
