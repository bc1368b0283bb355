# Sage 50 Accounts Connector v2.5 over HTTPS: the Sage 50 procedure ("Using
# HTTPS Connections with the Sage 50 Accounts Connector") on the Sage 50
# Accounts server, as one module:
#   prerequisite  TLS 1.2 on (SChannel, server and client), .NET strong
#                 cryptography for the agents; TLS 1.0 and 1.1 off host-wide
#                 only with schannel_disable_tls10_tls11
#   1    HttpsServiceUri in the Integration Service's .exe.config, restart it
#   2.1  import the trusted certificate
#   2.3  netsh http add sslcert ipport=0.0.0.0:4106 certhash=… appid={4d159978-…}
#   last the endpoint serves the bound certificate over TLS 1.2 or later,
#        proven from the host (check "integration_agent_serves_the_certificate")
# Step 3 is the connection's "Use HTTPS" in BPA Platform, not a host setting.
#
# The module takes the host from the `windows` provider configuration its
# caller passes (the default one, or one of a provider for_each in OpenTofu).
#
#   module "sage50" {
#     source       = "../modules/sage50-https"
#     fqdn         = "sage50.example.local"
#     pfx_path     = var.pfx_path
#     pfx_password = var.pfx_password
#   }
#
# or, for a certificate already installed in LocalMachine\My (a shared
# wildcard, one the customer's CA enrolled), certificate_thumbprint instead
# of the PFX, or neither: the installed certificate that covers fqdn (the
# most recent usable one, so a renewal on the host is followed by the next
# apply). The module then only reads that certificate and never removes it.
#
# SChannel reads its protocol settings at boot: output reboot_required says
# when the host must be restarted for them to apply.
terraform {
  required_version = ">= 1.11"
  required_providers {
    windows = { source = "seed-1120c41c/windows" }
  }
}

# Prerequisite: "set up for HTTPS communication using trusted certificates
# and TLS 1.2". The connector matches the server's protocol, so TLS 1.2 is
# on for the services this host serves (server) and for its own outgoing
# connections (client). The article asks for TLS 1.2, not for the older
# protocols to go: TLS 1.0 and 1.1 are turned off, on both sides, only with
# var.schannel_disable_tls10_tls11, because that reaches the whole host
# (every service and every outgoing connection, after the next reboot).
resource "windows_schannel_protocol" "server" {
  # Restored before the service restarts on destroy (integration_service_after_rollback).
  depends_on = [windows_service_restart.integration_service_after_rollback]

  for_each = local.schannel
  protocol = each.key
  side     = "server"
  enabled  = each.value
}

resource "windows_schannel_protocol" "client" {
  # Restored before the service restarts on destroy (integration_service_after_rollback).
  depends_on = [windows_service_restart.integration_service_after_rollback]

  for_each = local.schannel
  protocol = each.key
  side     = "client"
  enabled  = each.value
}

# The connector's agents are .NET Framework services under Program Files
# (x86): SchUseStrongCrypto and SystemDefaultTlsVersions, in the 64- and the
# 32-bit views, let them use the TLS versions SChannel has on.
resource "windows_dotnet_strong_crypto" "this" {
  # Restored before the service restarts on destroy (integration_service_after_rollback).
  depends_on = [windows_service_restart.integration_service_after_rollback]

  enabled = true
}

# 2.1: the certificate, with its private key, into LocalMachine\My. The plan
# shows its thumbprint and expiry, and fails on a wrong password, or when
# the certificate is already in the store (use certificate_thumbprint then).
resource "windows_pfx_certificate" "trusted" {
  count = var.pfx_path == null ? 0 : 1

  content_base64      = filebase64(var.pfx_path)
  password_wo         = var.pfx_password
  password_wo_version = var.pfx_password_version

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
  # Restored before the service restarts on destroy (integration_service_after_rollback).
  depends_on = [windows_service_restart.integration_service_after_rollback]

  ipport           = "0.0.0.0:${var.port}"
  certificate_hash = local.certificate.thumbprint
  app_id           = "{4d159978-4574-4dd5-b3ff-6f7fc8c20344}"
  # HTTP.sys refuses TLS 1.0 and 1.1 on this port even where another
  # application turns them back on in SChannel (off by default: see the
  # variable for the Windows versions that honour it).
  disable_legacy_tls = var.disable_legacy_tls

  lifecycle {
    # Checked at plan time, before anything changes.
    precondition {
      condition     = var.pfx_path == null || var.certificate_thumbprint == null
      error_message = "Set pfx_path (import a PFX) or certificate_thumbprint (use an installed certificate), not both."
    }
    precondition {
      condition     = provider::windows::certificate_covers(local.certificate.dns_names, local.certificate.subject, var.fqdn)
      error_message = "The certificate ${local.certificate.thumbprint} (${local.certificate.subject}; DNS names: ${join(", ", local.certificate.dns_names)}) does not cover fqdn ${var.fqdn}, the name the connector's clients use: they would refuse it. Use a certificate issued for ${var.fqdn} (a wildcard covers one label: *.example.local covers sage50.example.local, not a.b.example.local), or set fqdn to a name it covers."
    }
  }
}

# 1: the Integration Service listens on https://FQDN:port/, the name its
# clients use, which the certificate covers (the original value comes back
# on destroy) ...
resource "windows_dotnet_app_setting" "https_service_uri" {
  # Restored before the service restarts on destroy (integration_service_after_rollback).
  depends_on = [windows_service_restart.integration_service_after_rollback]

  config_path = var.config_path
  key         = "HttpsServiceUri"
  value       = "https://${var.fqdn}:${var.port}/"

  # The procedure edits this key; a file without it (another version, another
  # file) fails the plan, naming the keys it has, instead of getting a new
  # entry the service would never read.
  require_existing = true
}

# ... and is restarted once the URI, the binding and the .NET TLS settings
# are in place, and again whenever one of them changes (a .NET service reads
# them when it starts).
resource "windows_service_restart" "integration_service" {
  service_name = var.service_name
  triggers = {
    uri           = windows_dotnet_app_setting.https_service_uri.value
    binding       = windows_http_sslcert_binding.integration_agent.certificate_hash
    strong_crypto = tostring(windows_dotnet_strong_crypto.this.enabled)
    tls_server    = jsonencode({ for p, r in windows_schannel_protocol.server : p => r.enabled })
    tls_client    = jsonencode({ for p, r in windows_schannel_protocol.client : p => r.enabled })
  }
}

# Rollback (terraform destroy, or the module removed): Terraform destroys a
# resource only after everything that depends on it. The URI, the binding,
# SChannel and the .NET settings depend on this restart, so they are restored
# first, and destroying it then restarts the Integration Service, which starts
# on the restored .exe.config. Creating it restarts nothing.
resource "windows_service_restart" "integration_service_after_rollback" {
  service_name = var.service_name
  when         = "destroy"
}

# The procedure's last check, from the host itself: a TLS handshake with the
# Integration Agent's port, once the service has restarted. A failed
# handshake is reported in reachable and error, so the check warns instead
# of failing the run.
data "windows_tls_endpoint" "integration_agent" {
  port        = var.port
  server_name = var.fqdn

  depends_on = [windows_service_restart.integration_service]

  lifecycle {
    # strict_checks (client_proof.tf): the check below fails the apply.
    postcondition {
      condition     = !var.strict_checks || (self.thumbprint == local.certificate.thumbprint && contains(["TLS 1.2", "TLS 1.3"], coalesce(self.protocol, "none")))
      error_message = "Port ${var.port} serves ${coalesce(self.thumbprint, "nothing")} over ${coalesce(self.protocol, "nothing")}, not the certificate ${local.certificate.thumbprint} over TLS 1.2 or later: ${coalesce(self.error, "is the service running with the HTTPS URI?")}"
    }
  }
}

check "integration_agent_serves_the_certificate" {
  assert {
    condition     = data.windows_tls_endpoint.integration_agent.thumbprint == local.certificate.thumbprint
    error_message = "Port ${var.port} serves ${coalesce(data.windows_tls_endpoint.integration_agent.thumbprint, "nothing")}, not the certificate for ${var.fqdn} (${local.certificate.thumbprint}): ${coalesce(data.windows_tls_endpoint.integration_agent.error, "is the service running with the HTTPS URI?")}"
  }
  assert {
    condition     = contains(["TLS 1.2", "TLS 1.3"], coalesce(data.windows_tls_endpoint.integration_agent.protocol, "none"))
    error_message = "Port ${var.port} negotiated ${coalesce(data.windows_tls_endpoint.integration_agent.protocol, "nothing")}, not TLS 1.2 or later."
  }
}

locals {
  # true: on; false: off (Enabled and DisabledByDefault as Microsoft
  # documents them). A protocol not listed is left as the host has it.
  schannel = merge(
    { "TLS 1.2" = true },
    var.schannel_disable_tls10_tls11 ? { "TLS 1.1" = false, "TLS 1.0" = false } : {},
  )
}

# 2.1 with a certificate already installed (certificate_thumbprint, or the
# one that covers fqdn): read at plan time, never imported nor removed, so a
# destroy leaves it to the other services that use it.
data "windows_certificate" "installed" {
  count      = var.pfx_path == null ? 1 : 0
  store_name = "My"
  thumbprint = var.certificate_thumbprint
  dns_name   = var.certificate_thumbprint == null ? var.fqdn : null

  # Found by name (no thumbprint): the most recent certificate for fqdn that
  # is valid now, may serve TLS (server authentication EKU, or none) and has
  # a private key that opens. A certificate renewed on the host by another
  # tool (win-acme, Posh-ACME, AD CS autoenrollment) is so picked on the next
  # plan, and the binding moves to it. min_days_left refuses, at plan, one
  # that expires too soon, naming it and its expiry.
  most_recent           = var.certificate_thumbprint == null ? true : null
  valid_now             = var.certificate_thumbprint == null ? true : null
  server_authentication = var.certificate_thumbprint == null ? true : null
  has_private_key       = var.certificate_thumbprint == null ? true : null
  min_days_left         = var.min_days_left > 0 ? var.min_days_left : null

  lifecycle {
    postcondition {
      condition     = self.has_private_key
      error_message = "The certificate ${self.thumbprint} has no private key in LocalMachine\\My, so HTTP.sys cannot serve it: import it from a PFX that includes the key."
    }
    postcondition {
      condition     = timecmp(self.not_after, plantimestamp()) > 0
      error_message = "The certificate ${self.thumbprint} expired at ${self.not_after}: renew it first."
    }
  }
}

locals {
  # The certificate the port serves: the imported PFX, or the installed one.
  certificate = one(concat(
    [for c in windows_pfx_certificate.trusted : { thumbprint = c.thumbprint, subject = c.subject, dns_names = c.dns_names, not_after = c.not_after }],
    [for c in data.windows_certificate.installed : { thumbprint = c.thumbprint, subject = c.subject, dns_names = c.dns_names, not_after = c.not_after }],
  ))
}

# Configurations applied before the module could use an installed
# certificate keep the imported one: Terraform moves it in the state.
moved {
  from = windows_pfx_certificate.trusted
  to   = windows_pfx_certificate.trusted[0]
}
