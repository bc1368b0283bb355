# The port opened in the server's firewall, and the proof from a client
# machine: set client_host to a Sage 50 workstation (reached over WinRM with the same
# WINRM_USERNAME and WINRM_PASSWORD) and the handshake is also made there,
# to the name and port of the service's URI: DNS, the server's firewall and
# the client's trust in the certificate, as that machine sees them.

variable "open_firewall" {
  description = "Add an inbound firewall rule for the service's port on the server (false where it is already open)."
  type        = bool
  default     = true
}

variable "strict_checks" {
  description = "Fail the apply when the service does not serve the certificate, or the client machine cannot reach it with a trusted chain."
  type        = bool
  default     = true
}

variable "client_host" {
  description = "A Sage 50 workstation to prove the endpoint from (WinRM host name or address); null: no proof from a client."
  type        = string
  default     = null
}

variable "client_port" {
  description = "WinRM port of client_host; null: as for the server (WINRM_PORT, else 5985 or 5986)."
  type        = number
  default     = null
}

provider "windows" {
  alias = "client"
  host  = var.client_host
  port  = var.client_port
}

module "proof_from_client" {
  count               = var.client_host == null ? 0 : 1
  source              = "../modules/https-client-proof"
  providers           = { windows = windows.client }
  client              = "the client ${var.client_host}"
  address             = module.sage50.endpoint.host
  port                = module.sage50.endpoint.port
  expected_thumbprint = module.sage50.endpoint.thumbprint
  strict_checks       = var.strict_checks
  depends_on          = [module.sage50]
}

output "client_served_thumbprint" {
  description = "The certificate served to a handshake made on client_host (null without one, or when it failed)."
  value       = one(module.proof_from_client[*].served_thumbprint)
}
