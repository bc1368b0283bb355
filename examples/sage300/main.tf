# Sage 300 Connector over HTTPS, the Sage 300 procedure ("Using HTTPS
# Connections with the Sage 300 Connector"), across its two machines: the
# Sage 300 server's certificate imported, its URL reserved and bound for the
# Agent, the Agent's ServiceUri set and the Agent restarted; the certificate
# trusted on the BPA Platform machine; and a check, from the Sage 300 server
# itself, that the Agent serves the imported certificate. The steps are in
# ../modules/sage300-https.
#
# Terraform 1.11 or OpenTofu 1.11 or later: the passwords are ephemeral
# variables (the PFX password goes through a write-only attribute).

terraform {
  required_version = ">= 1.11"
  required_providers {
    windows = { source = "seed-1120c41c/windows" }
  }
}

variable "sage300_host" {
  description = "Host name or address of the Sage 300 server (WinRM)."
  type        = string
}

variable "sage300_port" {
  description = "WinRM port of the Sage 300 server; null: WINRM_PORT, else the listener's default (5985, or 5986 with HTTPS)."
  type        = number
  default     = null
}

variable "sage300_https" {
  description = "Reach the Sage 300 server's WinRM HTTPS listener; null: WINRM_HTTPS, else HTTP with message encryption."
  type        = bool
  default     = null
}

variable "sage300_ca_cert" {
  description = "PEM of the CA that issued the Sage 300 server's WinRM HTTPS certificate; null: WINRM_CA_CERT, else the system's roots."
  type        = string
  default     = null
}

variable "bpa_host" {
  description = "Host name or address of the machine running BPA Platform and the Sage 300 Connector tool (WinRM)."
  type        = string
}

variable "bpa_port" {
  description = "WinRM port of the BPA Platform machine; null: WINRM_PORT, else the listener's default (5985, or 5986 with HTTPS)."
  type        = number
  default     = null
}

variable "bpa_https" {
  description = "Reach the BPA Platform machine's WinRM HTTPS listener; null: WINRM_HTTPS, else HTTP with message encryption."
  type        = bool
  default     = null
}

variable "bpa_ca_cert" {
  description = "PEM of the CA that issued the BPA Platform machine's WinRM HTTPS certificate; null: WINRM_CA_CERT, else the system's roots."
  type        = string
  default     = null
}

variable "winrm_username" {
  description = "An administrator of both machines (DOMAIN\\user or user@domain)."
  type        = string
}

variable "winrm_password" {
  description = "Its password (TF_VAR_winrm_password)."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "fqdn" {
  description = "The name BPA Platform uses to reach the Sage 300 server (sage300.example.local): the certificate must cover it."
  type        = string
}

variable "pfx_path" {
  description = "Path, on the machine running Terraform, of the Sage 300 server's .pfx (ComputerName.pfx in the procedure). Leave it unset to use a certificate already installed on the server (certificate_thumbprint, else the one that covers fqdn)."
  type        = string
  default     = null
}

variable "pfx_password" {
  description = "The PFX password (TF_VAR_pfx_password). Never stored in the state or plan."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

variable "certificate_thumbprint" {
  description = "Thumbprint of a certificate already installed in LocalMachine\\My on the Sage 300 server to use instead of a PFX; Terraform never removes it."
  type        = string
  default     = null
}

variable "min_days_left" {
  description = "Days the installed certificate must have left; fewer fails the plan naming it and its expiry (see the module's variable). 0, the default, adds no check."
  type        = number
  default     = 0
}

variable "agent_port" {
  description = "TCP port of the Sage 300 Connector Agent."
  type        = number
  default     = 4207
}

variable "open_firewall" {
  description = "Add an inbound firewall rule for agent_port on the Sage 300 server (false where the port is already open)."
  type        = bool
  default     = true
}

variable "trust_on_bpa" {
  description = "Step 6: trust the Sage 300 server's certificate on the BPA Platform machine (false where it already trusts the issuing CA, by Group Policy)."
  type        = bool
  default     = true
}

variable "strict_checks" {
  description = "Fail the apply when the Agent does not serve the certificate, or the BPA Platform machine cannot reach it with a trusted chain."
  type        = bool
  default     = true
}

# NTLM over HTTP with message encryption (WinRM's defaults on Windows
# Server) unless a host's https is set; an unset (null) port, https or
# ca_cert leaves it to WINRM_PORT, WINRM_HTTPS, WINRM_CA_CERT, then to the
# provider's defaults, so the port follows HTTPS (5985 or 5986).
provider "windows" {
  alias    = "sage300"
  host     = var.sage300_host
  port     = var.sage300_port
  https    = var.sage300_https
  ca_cert  = var.sage300_ca_cert
  username = var.winrm_username
  password = var.winrm_password
}

provider "windows" {
  alias    = "bpa"
  host     = var.bpa_host
  port     = var.bpa_port
  https    = var.bpa_https
  ca_cert  = var.bpa_ca_cert
  username = var.winrm_username
  password = var.winrm_password
}

module "sage300" {
  source = "../modules/sage300-https"
  providers = {
    windows.sage300 = windows.sage300
    windows.bpa     = windows.bpa
  }
  fqdn                   = var.fqdn
  pfx_path               = var.pfx_path
  pfx_password           = var.pfx_password
  certificate_thumbprint = var.certificate_thumbprint
  min_days_left          = var.min_days_left
  agent_port             = var.agent_port

  open_firewall = var.open_firewall
  trust_on_bpa  = var.trust_on_bpa
  strict_checks = var.strict_checks
}

# Configurations applied before the steps moved into the module keep their
# objects on both hosts: Terraform moves them in the state instead of
# replacing them.
moved {
  from = windows_pfx_certificate.sage300
  to   = module.sage300.windows_pfx_certificate.sage300
}

moved {
  from = windows_http_urlacl.agent
  to   = module.sage300.windows_http_urlacl.agent
}

moved {
  from = windows_http_sslcert_binding.agent
  to   = module.sage300.windows_http_sslcert_binding.agent
}

moved {
  from = windows_dotnet_app_setting.service_uri
  to   = module.sage300.windows_dotnet_app_setting.service_uri
}

moved {
  from = windows_service_restart.agent
  to   = module.sage300.windows_service_restart.agent
}

moved {
  from = windows_certificate.bpa_trusts_sage300
  to   = module.sage300.windows_certificate.bpa_trusts_sage300
}

output "thumbprint" {
  description = "Thumbprint of the Sage 300 server certificate."
  value       = module.sage300.thumbprint
}

output "served_thumbprint" {
  description = "The certificate the Agent's port served to a TLS handshake made from the Sage 300 server: the imported one once the procedure is done."
  value       = module.sage300.served_thumbprint
}

output "agent_url" {
  description = "The Agent's ServiceUri (step 5): https://FQDN:port, with the fqdn the certificate covers."
  value       = module.sage300.agent_url
}

output "not_after" {
  description = "Renew the certificate before this date."
  value       = module.sage300.not_after
}

output "client_served_thumbprint" {
  description = "The certificate the Agent served to a TLS handshake made from the BPA Platform machine (null when it failed)."
  value       = module.sage300.client_served_thumbprint
}
