# NetPOS.Net over HTTPS (seed: "NetPOS.Net HTTPS Configuration"), on the
# NetPOS.Net server:
#   "To Be Considered" 5  the certificate obtained and installed beforehand:
#                         found, and checked at plan time
#   steps 2-3   "Use SSL" in the tray icon's General Settings
#   step 4      netsh http add urlacl url=https://+:10101/ user=EVERYONE
#   steps 5-8   the certificate's thumbprint (the data source reads it)
#   step 9      netsh http add sslcert ipport=0.0.0.0:PORT certhash=…
#               appid={77ba29fd-9f7a-45b0-8d7e-1ee5d879951b}
#   steps 1, 10 stop and start NetPOS.Net: one restart once all is in place
# Steps 11-13 (the "Secured" checkbox of SwiftPOS Touch) are settings of each
# touch terminal, not of this host.
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

variable "dns_name" {
  description = "DNS name of the certificate installed for NetPOS.Net (a subject alternative name), which the touch terminals use to reach it."
  type        = string
}

variable "port" {
  # One port for the reservation, the binding and the URI. The seed reserves
  # 10101 (NetPOS.Net's default) in step 4 but binds 0.0.0.0:8000 in step 9's
  # example; HTTP.sys serves a certificate only on the port it is bound to,
  # so the two must be the same, and 10101 is the one NetPOS.Net listens on.
  description = "TCP port NetPOS.Net listens on."
  type        = number
  default     = 10101
}

variable "config_path" {
  description = "NetPOS.Net's .exe.config, where the tray icon's General Settings are kept."
  type        = string
  default     = "C:\\Program Files (x86)\\SwiftPOS\\NetPOS.Net\\NetPOS.Net.exe.config"
}

variable "service_name" {
  description = "Service name of NetPOS.Net."
  type        = string
  default     = "NetPOS.Net"
}

# The certificate "obtained and installed prior": the seed looks for it under
# Trusted Root Certification Authorities, but HTTP.sys can only serve one
# whose private key the machine holds, which is the certificate in Personal
# (LocalMachine\My). Checked when Terraform plans, before anything changes.
data "windows_certificate" "netpos" {
  store_name = "My"
  dns_name   = var.dns_name

  lifecycle {
    postcondition {
      condition     = self.subject != self.issuer
      error_message = "The certificate for ${var.dns_name} (${self.thumbprint}) is self-signed (issuer ${self.issuer}). An untrusted self signed certificate cannot be used: install one issued by a CA the touch terminals trust."
    }
    postcondition {
      condition     = self.has_private_key
      error_message = "The certificate for ${var.dns_name} (${self.thumbprint}) has no private key in LocalMachine\\My: import it from a PFX that includes the key."
    }
    postcondition {
      condition     = timecmp(self.not_after, plantimestamp()) > 0
      error_message = "The certificate for ${var.dns_name} (${self.thumbprint}) expired at ${self.not_after}: renew it first."
    }
  }
}

# Steps 2-3: the tray icon's "Use SSL" checkbox is NetPOS.Net's own setting,
# kept in its .exe.config; the simulated host models it as the appSettings
# UseSSL, next to ServiceUri, the URI the service listens on. Both get their
# original values back on destroy.
resource "windows_dotnet_app_setting" "use_ssl" {
  config_path = var.config_path
  key         = "UseSSL"
  value       = "true"
}

resource "windows_dotnet_app_setting" "service_uri" {
  config_path = var.config_path
  key         = "ServiceUri"
  value       = "https://${var.dns_name}:${var.port}/"
}

# Step 4: netsh http add urlacl url=https://+:10101/ user=EVERYONE
# On a German Windows that netsh command fails with error 1332, because
# Everyone is called "Jeder" there. "Everyone" still works here: the provider
# resolves the well-known name to its SID, S-1-1-0, itself.
resource "windows_http_urlacl" "netpos" {
  url  = "https://+:${var.port}/"
  user = "Everyone"
}

# Step 9: netsh http add sslcert ipport=0.0.0.0:PORT certhash=THUMBPRINT
#         appid={77ba29fd-9f7a-45b0-8d7e-1ee5d879951b}
resource "windows_http_sslcert_binding" "netpos" {
  ipport           = "0.0.0.0:${var.port}"
  certificate_hash = data.windows_certificate.netpos.thumbprint
  app_id           = "{77ba29fd-9f7a-45b0-8d7e-1ee5d879951b}"
}

# Steps 1 and 10: NetPOS.Net reads its settings when it starts, so one
# restart after the settings, reservation and binding are in place does what
# stopping it first and starting it last does; it restarts again whenever one
# of them changes (a renewed certificate, another port).
resource "windows_service_restart" "netpos" {
  service_name = var.service_name
  triggers = {
    use_ssl     = windows_dotnet_app_setting.use_ssl.value
    service_uri = windows_dotnet_app_setting.service_uri.value
    urlacl      = windows_http_urlacl.netpos.id
    binding     = windows_http_sslcert_binding.netpos.certificate_hash
  }
}

output "thumbprint" {
  description = "Thumbprint of the certificate NetPOS.Net serves."
  value       = data.windows_certificate.netpos.thumbprint
}

output "service" {
  description = "NetPOS.Net's status after the restart, and the URI the touch terminals use."
  value = {
    status = windows_service_restart.netpos.status
    uri    = windows_dotnet_app_setting.service_uri.value
  }
}
