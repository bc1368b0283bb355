# The proof from the client side, and the firewall rule it needs: BPA
# Platform connects to the Agent from its own machine, so the last check is
# a TLS handshake made there, to the name and port of the Agent's ServiceUri:
# name resolution (DNS), route, the Sage 300 server's firewall and the BPA
# machine's trust in the certificate, as that machine sees them. The check
# from the Sage 300 server itself (main.tf) passes even with the port closed
# in the firewall: Windows does not filter connections a host makes to itself.

variable "open_firewall" {
  description = "Add an inbound Windows Defender Firewall rule on the Sage 300 server for agent_port (TCP). Leave false where the port is already open (a rule of the installer or a Group Policy)."
  type        = bool
  default     = false
}

variable "firewall_rule_name" {
  description = "Name of the firewall rule open_firewall adds. It must not be used by another rule."
  type        = string
  default     = "Sage 300 Connector Agent (HTTPS-In)"
}

variable "firewall_profiles" {
  description = "Network profiles the firewall rule applies in (Domain, Private, Public)."
  type        = set(string)
  default     = ["Domain", "Private"]
}

variable "trust_on_bpa" {
  description = "Step 6: install the server's certificate in Trusted Root Certification Authorities on the BPA Platform machine. False where the BPA machine already trusts the issuing CA (an enterprise CA's root deployed by Group Policy): the proof from the BPA machine then tells whether it really does."
  type        = bool
  default     = true
}

# Step 6's trust became optional (trust_on_bpa): the one trust of earlier
# applies is the first instance.
moved {
  from = windows_certificate.bpa_trusts_sage300
  to   = windows_certificate.bpa_trusts_sage300[0]
}

variable "strict_checks" {
  description = "Fail the apply (a postcondition) when a check does not pass: the Agent not serving the certificate (imported or installed) on the server, or the BPA Platform machine not reaching it with a trusted chain. False: the checks only warn."
  type        = bool
  default     = false
}

# Windows blocks inbound connections that no rule allows. The Agent listens
# through HTTP.sys, whose connections the System process receives: the rule
# names no program (a rule limited to the Agent's .exe would not match).
resource "windows_firewall_rule" "agent" {
  count       = var.open_firewall ? 1 : 0
  provider    = windows.sage300
  name        = var.firewall_rule_name
  description = "Sage 300 Connector Agent over HTTPS, for BPA Platform (Terraform)."
  local_ports = [var.agent_port]
  profiles    = var.firewall_profiles
}

locals {
  # The host BPA Platform is told to use: fqdn, the one in the Agent's
  # ServiceUri.
  agent_host = var.fqdn
}

# Step 7's connection test, made on the BPA Platform machine: a TLS handshake
# to https://FQDN:port once the Agent has restarted, the certificate is
# trusted there and the port is open.
data "windows_tls_endpoint" "agent_from_bpa" {
  provider    = windows.bpa
  address     = local.agent_host
  port        = var.agent_port
  server_name = local.agent_host

  depends_on = [windows_service_restart.agent, windows_certificate.bpa_trusts_sage300, windows_firewall_rule.agent]

  lifecycle {
    postcondition {
      condition     = !var.strict_checks || (self.reachable && self.chain_trusted && self.thumbprint == local.certificate.thumbprint)
      error_message = "From the BPA Platform machine, ${local.agent_host}:${var.agent_port} ${!self.reachable ? "cannot be reached: ${coalesce(self.error, "?")} (does ${local.agent_host} resolve on the BPA machine, and does the Sage 300 server's firewall allow TCP ${var.agent_port}? open_firewall adds the rule)" : !self.chain_trusted ? "serves a certificate the BPA Platform machine does not trust: ${coalesce(self.chain_status, "?")} (is it in Local Machine, Trusted Root Certification Authorities there?)" : "serves ${coalesce(self.thumbprint, "nothing")}, not the certificate ${local.certificate.thumbprint}"}."
    }
  }
}

check "bpa_reaches_the_agent" {
  assert {
    condition     = data.windows_tls_endpoint.agent_from_bpa.reachable && data.windows_tls_endpoint.agent_from_bpa.chain_trusted && data.windows_tls_endpoint.agent_from_bpa.thumbprint == local.certificate.thumbprint
    error_message = "From the BPA Platform machine, ${local.agent_host}:${var.agent_port} serves ${coalesce(data.windows_tls_endpoint.agent_from_bpa.thumbprint, "nothing")} (chain trusted there: ${data.windows_tls_endpoint.agent_from_bpa.chain_trusted}): ${coalesce(data.windows_tls_endpoint.agent_from_bpa.error, data.windows_tls_endpoint.agent_from_bpa.chain_status, "not the certificate in use")}."
  }
}

output "client_served_thumbprint" {
  description = "Thumbprint of the certificate the Agent served to a TLS handshake made from the BPA Platform machine (null when it failed)."
  value       = data.windows_tls_endpoint.agent_from_bpa.thumbprint
}

output "client_chain_trusted" {
  description = "Whether the BPA Platform machine trusts the chain the Agent served."
  value       = data.windows_tls_endpoint.agent_from_bpa.chain_trusted
}
