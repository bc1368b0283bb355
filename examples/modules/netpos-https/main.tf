# NetPOS.Net over HTTPS: the NetPOS procedure ("NetPOS.Net HTTPS
# Configuration") on the NetPOS.Net server, as one module:
#   "To Be Considered" 5  the certificate obtained and installed beforehand:
#                         found, and checked at plan time
#   steps 2-3   "Use SSL" in the tray icon's General Settings
#   step 4      netsh http add urlacl url=https://+:10101/ user=EVERYONE
#   steps 5-8   the certificate's thumbprint (the data source reads it)
#   step 9      netsh http add sslcert ipport=0.0.0.0:PORT certhash=…
#               appid={77ba29fd-9f7a-45b0-8d7e-1ee5d879951b}
#   steps 1, 10 stop and start NetPOS.Net: one restart once all is in place
#   last        NetPOS.Net serves the certificate, proven from the host itself
#               (check "netpos_serves_the_certificate"): what steps 11-13's
#               "Refresh Interface List" on a terminal shows
# Steps 11-13 (the "Secured" checkbox of SwiftPOS Touch) are settings of each
# touch terminal, not of this host.
#
# The module takes the host from the `windows` provider configuration its
# caller passes.
#
#   module "netpos" {
#     source = "../modules/netpos-https"
#     fqdn   = "netpos01.example.local"
#   }
#
# finds the installed certificate that covers fqdn (the most recent usable
# one, so a renewal on the host is followed by the next apply);
# certificate_thumbprint
# picks one by thumbprint, and pfx_path imports a PFX instead (removed on
# destroy). An installed certificate is only read, never removed.
terraform {
  required_version = ">= 1.11"
  required_providers {
    windows = { source = "seed-1120c41c/windows" }
  }
}

# The certificate "obtained and installed prior": the procedure looks for it under
# Trusted Root Certification Authorities, but HTTP.sys can only serve one
# whose private key the machine holds, which is the certificate in Personal
# (LocalMachine\My). Checked when Terraform plans, before anything changes.
data "windows_certificate" "netpos" {
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
      condition     = self.subject != self.issuer
      error_message = "The certificate for ${var.fqdn} (${self.thumbprint}) is self-signed (issuer ${self.issuer}). An untrusted self signed certificate cannot be used: install one issued by a CA the touch terminals trust."
    }
    postcondition {
      condition     = self.has_private_key
      error_message = "The certificate for ${var.fqdn} (${self.thumbprint}) has no private key in LocalMachine\\My: import it from a PFX that includes the key."
    }
    postcondition {
      condition     = timecmp(self.not_after, plantimestamp()) > 0
      error_message = "The certificate for ${var.fqdn} (${self.thumbprint}) expired at ${self.not_after}: renew it first."
    }
  }
}

# Steps 2-3: the tray icon's "Use SSL" checkbox is NetPOS.Net's own setting.
# SwiftPOS does not document where NetPOS.Net keeps it: this module assumes
# appSettings entries of its .exe.config, UseSSL next to ServiceUri (the URI
# the service listens on), as the simulated host models them. The key names
# are variables, and by default each must already be in the file: a host
# that keeps them otherwise fails the plan, naming the keys the file has,
# instead of getting entries NetPOS.Net would never read. Confirm them on
# the host first (the guide shows how). Both get their original values back
# on destroy.
resource "windows_dotnet_app_setting" "use_ssl" {
  # Restored before the service restarts on destroy (netpos_after_rollback).
  depends_on = [windows_service_restart.netpos_after_rollback]

  config_path = var.config_path
  key         = var.use_ssl_key
  value       = "true"

  require_existing = var.require_existing_keys
}

resource "windows_dotnet_app_setting" "service_uri" {
  # Restored before the service restarts on destroy (netpos_after_rollback).
  depends_on = [windows_service_restart.netpos_after_rollback]

  config_path = var.config_path
  key         = var.service_uri_key
  value       = "https://${var.fqdn}:${var.port}/"

  require_existing = var.require_existing_keys
}

# Step 4: netsh http add urlacl url=https://+:10101/ user=EVERYONE
# On a German Windows that netsh command fails with error 1332, because
# Everyone is called "Jeder" there. "Everyone" still works here: the provider
# resolves the well-known name to its SID, S-1-1-0, itself.
resource "windows_http_urlacl" "netpos" {
  # Restored before the service restarts on destroy (netpos_after_rollback).
  depends_on = [windows_service_restart.netpos_after_rollback]

  url  = "https://+:${var.port}/"
  user = "Everyone"
}

# Step 9: netsh http add sslcert ipport=0.0.0.0:PORT certhash=THUMBPRINT
#         appid={77ba29fd-9f7a-45b0-8d7e-1ee5d879951b}
resource "windows_http_sslcert_binding" "netpos" {
  # Restored before the service restarts on destroy (netpos_after_rollback).
  depends_on = [windows_service_restart.netpos_after_rollback]

  ipport           = "0.0.0.0:${var.port}"
  certificate_hash = local.certificate.thumbprint
  app_id           = "{77ba29fd-9f7a-45b0-8d7e-1ee5d879951b}"

  lifecycle {
    # Checked at plan time, before anything changes.
    precondition {
      condition     = var.pfx_path == null || var.certificate_thumbprint == null
      error_message = "Set pfx_path (import a PFX) or certificate_thumbprint (use an installed certificate), not both."
    }
    precondition {
      condition     = provider::windows::certificate_covers(local.certificate.dns_names, local.certificate.subject, var.fqdn)
      error_message = "The certificate ${local.certificate.thumbprint} (${local.certificate.subject}; DNS names: ${join(", ", local.certificate.dns_names)}) does not cover fqdn ${var.fqdn}, the name the touch terminals use: they would refuse it. Use a certificate issued for ${var.fqdn} (a wildcard covers one label: *.example.local covers netpos01.example.local, not a.b.example.local), or set fqdn to a name it covers."
    }
  }
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

# Rollback (terraform destroy, or the module removed): Terraform destroys a
# resource only after everything that depends on it. "Use SSL", ServiceUri,
# the reservation and the binding depend on this restart, so they are
# restored first, and destroying it then restarts NetPOS.Net, which starts on
# its original plain-HTTP settings. Creating it restarts nothing.
resource "windows_service_restart" "netpos_after_rollback" {
  service_name = var.service_name
  when         = "destroy"
}

# The procedure's last check, from the host itself: a TLS handshake with
# NetPOS.Net's port under the name the terminals use, once NetPOS.Net has
# restarted. A failed handshake is reported in reachable and error, so the
# check warns instead of failing the run.
data "windows_tls_endpoint" "netpos" {
  port        = var.port
  server_name = var.fqdn

  depends_on = [windows_service_restart.netpos]

  lifecycle {
    # strict_checks (client_proof.tf): the check below fails the apply.
    postcondition {
      condition     = !var.strict_checks || (self.thumbprint == local.certificate.thumbprint && self.chain_trusted)
      error_message = "Port ${var.port} serves ${coalesce(self.thumbprint, "nothing")} (chain trusted on the host: ${self.chain_trusted}), not the certificate for ${var.fqdn} (${local.certificate.thumbprint}): ${coalesce(self.error, self.chain_status, "is NetPOS.Net running with the HTTPS ServiceUri?")}"
    }
  }
}

check "netpos_serves_the_certificate" {
  assert {
    condition     = data.windows_tls_endpoint.netpos.thumbprint == local.certificate.thumbprint
    error_message = "Port ${var.port} serves ${coalesce(data.windows_tls_endpoint.netpos.thumbprint, "nothing")}, not the certificate for ${var.fqdn} (${local.certificate.thumbprint}): ${coalesce(data.windows_tls_endpoint.netpos.error, "is NetPOS.Net running with the HTTPS ServiceUri?")}"
  }
  assert {
    condition     = data.windows_tls_endpoint.netpos.chain_trusted == true
    error_message = "The certificate NetPOS.Net serves does not chain to a root this host trusts (${coalesce(data.windows_tls_endpoint.netpos.chain_status, data.windows_tls_endpoint.netpos.error, "unknown")}): the touch terminals will refuse it too."
  }
}

# Or the certificate as a PFX, imported into LocalMachine\My (and removed
# on destroy). The plan fails if it is already in the store: use
# certificate_thumbprint then.
resource "windows_pfx_certificate" "netpos" {
  count               = var.pfx_path == null ? 0 : 1
  content_base64      = filebase64(var.pfx_path)
  password_wo         = var.pfx_password
  password_wo_version = var.pfx_password_version
  store_name          = "My"

  lifecycle {
    # Renewal: the binding moves to the new certificate before the old one
    # is removed.
    create_before_destroy = true

    postcondition {
      condition     = self.subject != self.issuer
      error_message = "The certificate in the PFX (${self.thumbprint}) is self-signed. An untrusted self signed certificate cannot be used: use one issued by a CA the touch terminals trust."
    }
  }
}

locals {
  # The certificate NetPOS.Net serves: the installed one, or the imported PFX.
  certificate = one(concat(
    [for c in data.windows_certificate.netpos : { thumbprint = c.thumbprint, subject = c.subject, dns_names = c.dns_names }],
    [for c in windows_pfx_certificate.netpos : { thumbprint = c.thumbprint, subject = c.subject, dns_names = c.dns_names }],
  ))
}
