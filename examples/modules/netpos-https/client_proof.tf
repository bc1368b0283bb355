# The port, opened to clients, and what a proof from a client machine needs:
# Windows blocks inbound connections that no firewall rule allows, and a
# check made on the server itself passes whatever the firewall says (Windows
# does not filter a host's connections to itself). Prove the endpoint from a
# client machine the caller names with ../https-client-proof, fed with the
# output endpoint (see the guide).

variable "open_firewall" {
  description = "Add an inbound Windows Defender Firewall rule for the port (TCP). Leave false where it is already open (a rule of the installer or a Group Policy)."
  type        = bool
  default     = false
}

variable "firewall_rule_name" {
  description = "Name of the firewall rule open_firewall adds. It must not be used by another rule."
  type        = string
  default     = "NetPOS.Net (HTTPS-In)"
}

variable "firewall_profiles" {
  description = "Network profiles the firewall rule applies in (Domain, Private, Public)."
  type        = set(string)
  default     = ["Domain", "Private"]
}

variable "strict_checks" {
  description = "Fail the apply (a postcondition) when the check from the host does not pass; false: it only warns."
  type        = bool
  default     = false
}

# The service listens through HTTP.sys, whose connections the System process
# receives: the rule names no program (a rule limited to the service's .exe
# would not match).
resource "windows_firewall_rule" "https" {
  count       = var.open_firewall ? 1 : 0
  name        = var.firewall_rule_name
  description = "NetPOS.Net over HTTPS (Terraform)."
  local_ports = [var.port]
  profiles    = var.firewall_profiles
}

output "endpoint" {
  description = "What clients connect to and must be served, for a proof from a client machine (../https-client-proof): host (fqdn, the URI's), port and the certificate's thumbprint."
  value = {
    host       = var.fqdn
    port       = var.port
    thumbprint = local.certificate.thumbprint
  }
  depends_on = [windows_service_restart.netpos, windows_firewall_rule.https]
}
