# Sage 50 Accounts Connector v2.5 over HTTPS, the Sage 50 procedure ("Using
# HTTPS Connections with the Sage 50 Accounts Connector"), on the Sage 50
# Accounts server: TLS 1.2 on (SChannel, .NET strong cryptography; TLS 1.0
# and 1.1 off host-wide only when asked), the trusted certificate imported
# and bound to the Integration Agent's port 4106, the Integration Service's
# HttpsServiceUri set and the service restarted, and a check, from the host
# itself, that the port serves the imported certificate. The steps are in ../modules/sage50-https.
#
# The provider reads its endpoint from WINRM_HOST, WINRM_USERNAME,
# WINRM_PASSWORD (and WINRM_PORT, WINRM_HTTPS, WINRM_CA_CERT).
#
# Terraform 1.11 or OpenTofu 1.11 or later: the PFX password is an ephemeral
# variable, sent through a write-only attribute.
terraform {
  required_version = ">= 1.11"
  required_providers {
    windows = { source = "seed-1120c41c/windows" }
  }
}

provider "windows" {}

variable "fqdn" {
  description = "The name BPA Platform uses to reach the Sage 50 server (sage50.example.local): the certificate must cover it."
  type        = string
}

variable "pfx_path" {
  description = "Path, on the machine running Terraform, of the trusted certificate's .pfx. Leave it unset to use a certificate already installed on the server (certificate_thumbprint, else the one that covers fqdn)."
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
  description = "Thumbprint of a certificate already installed in LocalMachine\\My to use instead of a PFX; Terraform never removes it."
  type        = string
  default     = null
}

variable "min_days_left" {
  description = "Days the installed certificate must have left; fewer fails the plan naming it and its expiry (see the module's variable). 0, the default, adds no check."
  type        = number
  default     = 0
}

variable "schannel_disable_tls10_tls11" {
  description = "Also turn TLS 1.0 and 1.1 off host-wide, server and client side, after the next reboot (see the module's variable): other clients of the server that speak only those may break."
  type        = bool
  default     = false
}

variable "disable_legacy_tls" {
  description = "Have HTTP.sys refuse TLS 1.0 and 1.1 on the Integration Agent's port (see the module's variable; Windows Server 2019 with KB4490481 or later)."
  type        = bool
  default     = false
}

module "sage50" {
  source                 = "../modules/sage50-https"
  fqdn                   = var.fqdn
  pfx_path               = var.pfx_path
  pfx_password           = var.pfx_password
  certificate_thumbprint = var.certificate_thumbprint
  min_days_left          = var.min_days_left

  schannel_disable_tls10_tls11 = var.schannel_disable_tls10_tls11
  disable_legacy_tls           = var.disable_legacy_tls
  open_firewall                = var.open_firewall
  strict_checks                = var.strict_checks
}

# Configurations applied before the steps moved into the module keep their
# objects on the host: Terraform moves them in the state instead of
# replacing them.
moved {
  from = windows_pfx_certificate.trusted
  to   = module.sage50.windows_pfx_certificate.trusted
}

moved {
  from = windows_http_sslcert_binding.integration_agent
  to   = module.sage50.windows_http_sslcert_binding.integration_agent
}

moved {
  from = windows_dotnet_app_setting.https_service_uri
  to   = module.sage50.windows_dotnet_app_setting.https_service_uri
}

moved {
  from = windows_service_restart.integration_service
  to   = module.sage50.windows_service_restart.integration_service
}

output "certificate" {
  description = "The imported certificate (thumbprint, subject, not_after)."
  value       = module.sage50.certificate
}

output "served_thumbprint" {
  description = "The certificate port 4106 served to a TLS handshake made from the host: the imported one once the procedure is done."
  value       = module.sage50.served_thumbprint
}

output "served_protocol" {
  description = "The TLS version that handshake negotiated."
  value       = module.sage50.served_protocol
}

output "binding" {
  value = module.sage50.binding
}

output "service" {
  value = module.sage50.service
}

output "reboot_required" {
  description = "Reboot the host for the SChannel settings to apply."
  value       = module.sage50.reboot_required
}
