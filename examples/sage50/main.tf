# Sage 50 Accounts Connector v2.5 over HTTPS (seed: "Using HTTPS Connections
# with the Sage 50 Accounts Connector", step 2): bind the trusted certificate
# to the Integration Agent's port.
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

variable "certificate_thumbprint" {
  description = "Thumbprint of the trusted certificate in LocalMachine\\My (spaces and MMC's hidden characters are fine)."
  type        = string
}

variable "port" {
  description = "TCP port of the Sage 50 Accounts Integration Agent."
  type        = number
  default     = 4106
}

# netsh http add sslcert ipport=0.0.0.0:4106 certhash=… appid={4d159978-4574-4dd5-b3ff-6f7fc8c20344}
resource "windows_http_sslcert_binding" "integration_agent" {
  ipport           = "0.0.0.0:${var.port}"
  certificate_hash = var.certificate_thumbprint
  app_id           = "{4d159978-4574-4dd5-b3ff-6f7fc8c20344}"
}

output "binding" {
  value = windows_http_sslcert_binding.integration_agent.ipport
}
