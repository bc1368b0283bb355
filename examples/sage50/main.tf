# Sage 50 Accounts Connector v2.5 over HTTPS (seed: "Using HTTPS Connections
# with the Sage 50 Accounts Connector"), on the Sage 50 Accounts server:
#   1    HttpsServiceUri in the Integration Service's .exe.config, restart it
#   2.1  import the trusted certificate
#   2.3  netsh http add sslcert ipport=0.0.0.0:4106 certhash=… appid={4d159978-…}
# Step 3 is the connection's "Use HTTPS" in BPA Platform, not a host setting.
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

variable "pfx_path" {
  description = "Path, on the machine running Terraform, of the trusted certificate's .pfx."
  type        = string
}

variable "pfx_password" {
  description = "The PFX password (TF_VAR_pfx_password). Never stored in the state or plan."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "port" {
  description = "TCP port of the Sage 50 Accounts Integration Agent."
  type        = number
  default     = 4106
}

variable "config_path" {
  description = "The Integration Service's .exe.config."
  type        = string
  default     = "C:\\Program Files (x86)\\Codeless Platforms\\Sage 50 Accounts Connector Toolpack\\Integration Service\\Sage 50 Accounts Integration Service.exe.config"
}

variable "service_name" {
  description = "Service name of the Sage 50 Accounts Integration service."
  type        = string
  default     = "Sage50AccountsIntegrationService"
}

# 2.1: the certificate, with its private key, into LocalMachine\My. The plan
# shows its thumbprint and expiry, and fails on a wrong password.
resource "windows_pfx_certificate" "trusted" {
  content_base64      = filebase64(var.pfx_path)
  password_wo         = var.pfx_password
  password_wo_version = 1

  lifecycle {
    # Renewal (a new PFX in pfx_path): import the new certificate, move the
    # binding to it, and only then remove the old one, so the port is never
    # bound to a certificate that is not there. Without this the provider
    # refuses to remove a certificate that a binding still uses.
    create_before_destroy = true
  }
}

# 2.3: bind it to the Integration Agent's port.
resource "windows_http_sslcert_binding" "integration_agent" {
  ipport           = "0.0.0.0:${var.port}"
  certificate_hash = windows_pfx_certificate.trusted.thumbprint
  app_id           = "{4d159978-4574-4dd5-b3ff-6f7fc8c20344}"
}

# 1: the Integration Service listens on https://FQDN:port/, the FQDN being
# the certificate's (the original value comes back on destroy) ...
resource "windows_dotnet_app_setting" "https_service_uri" {
  config_path = var.config_path
  key         = "HttpsServiceUri"
  value       = "https://${windows_pfx_certificate.trusted.dns_names[0]}:${var.port}/"
}

# ... and is restarted once the URI and the binding are in place, and again
# whenever either changes.
resource "windows_service_restart" "integration_service" {
  service_name = var.service_name
  triggers = {
    uri     = windows_dotnet_app_setting.https_service_uri.value
    binding = windows_http_sslcert_binding.integration_agent.certificate_hash
  }
}

output "certificate" {
  value = {
    thumbprint = windows_pfx_certificate.trusted.thumbprint
    subject    = windows_pfx_certificate.trusted.subject
    not_after  = windows_pfx_certificate.trusted.not_after
  }
}

output "binding" {
  value = windows_http_sslcert_binding.integration_agent.id
}

output "service" {
  value = "${windows_service_restart.integration_service.service_name} is ${windows_service_restart.integration_service.status}, serving ${windows_dotnet_app_setting.https_service_uri.value}"
}
