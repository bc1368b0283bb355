# NetPOS.Net over HTTPS, the NetPOS procedure ("NetPOS.Net HTTPS
# Configuration"), on the NetPOS.Net server: the certificate installed
# beforehand found and checked at plan time (or a PFX imported), "Use SSL" and the HTTPS
# ServiceUri in NetPOS.Net's settings, the port reserved for Everyone (on any
# language of Windows) and bound to the certificate, one restart of
# NetPOS.Net, and a check, from the host itself, that NetPOS.Net serves the
# certificate. The steps are in ../modules/netpos-https.
#
# The provider reads its endpoint from WINRM_HOST, WINRM_USERNAME,
# WINRM_PASSWORD (and WINRM_PORT, WINRM_HTTPS, WINRM_CA_CERT).
terraform {
  required_version = ">= 1.11"
  required_providers {
    windows = { source = "seed-1120c41c/windows" }
  }
}

provider "windows" {}

variable "fqdn" {
  description = "The name the touch terminals use to reach NetPOS.Net (netpos01.example.local): the installed certificate that covers it is used."
  type        = string
}

variable "certificate_thumbprint" {
  description = "Thumbprint of the installed certificate to use instead of the most recent usable one that covers fqdn."
  type        = string
  default     = null
}

variable "min_days_left" {
  description = "Days the installed certificate must have left; fewer fails the plan naming it and its expiry (see the module's variable). 0, the default, adds no check."
  type        = number
  default     = 0
}

variable "pfx_path" {
  description = "Path, on the machine running Terraform, of a .pfx to import instead of using an installed certificate (removed on destroy)."
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

variable "use_ssl_key" {
  description = "The appSettings key of the tray icon's \"Use SSL\" in NetPOS.Net's .exe.config: not documented by SwiftPOS, confirm it on the host (see the NetPOS guide)."
  type        = string
  default     = "UseSSL"
}

module "netpos" {
  source                 = "../modules/netpos-https"
  fqdn                   = var.fqdn
  certificate_thumbprint = var.certificate_thumbprint
  min_days_left          = var.min_days_left
  pfx_path               = var.pfx_path
  pfx_password           = var.pfx_password

  use_ssl_key   = var.use_ssl_key
  open_firewall = var.open_firewall
  strict_checks = var.strict_checks
}

# Configurations applied before the steps moved into the module keep their
# objects on the host: Terraform moves them in the state instead of
# replacing them.
moved {
  from = windows_dotnet_app_setting.use_ssl
  to   = module.netpos.windows_dotnet_app_setting.use_ssl
}

moved {
  from = windows_dotnet_app_setting.service_uri
  to   = module.netpos.windows_dotnet_app_setting.service_uri
}

moved {
  from = windows_http_urlacl.netpos
  to   = module.netpos.windows_http_urlacl.netpos
}

moved {
  from = windows_http_sslcert_binding.netpos
  to   = module.netpos.windows_http_sslcert_binding.netpos
}

moved {
  from = windows_service_restart.netpos
  to   = module.netpos.windows_service_restart.netpos
}

output "thumbprint" {
  description = "Thumbprint of the certificate installed for NetPOS.Net."
  value       = module.netpos.thumbprint
}

output "served_thumbprint" {
  description = "The certificate NetPOS.Net's port served to a TLS handshake made from the host: the installed one once the procedure is done."
  value       = module.netpos.served_thumbprint
}

output "service" {
  description = "NetPOS.Net's status after the restart, and the URI the touch terminals use."
  value       = module.netpos.service
}
