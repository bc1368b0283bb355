# Sage 300 Connector over HTTPS: the Sage 300 procedure ("Using HTTPS
# Connections with the Sage 300 Connector") across its two machines, as one
# module:
#   step 1  import the server's PFX into LocalMachine\My on the Sage 300 server
#   step 2  reserve https://+:4207/ for Everyone
#   step 3  bind the certificate to 0.0.0.0:4207 for the Agent's app id
#   step 4  export the public certificate (the data source's pem: no .CER file)
#   step 6  trust it in LocalMachine\Root on the BPA Platform machine
#   step 5  ServiceUri in Sage300IntegrationService.exe.config, restart the Agent
#   last    the Agent serves the bound certificate, proven from the Sage 300
#           server itself (check "agent_serves_the_certificate") and from the
#           BPA Platform machine, through the server's firewall
#           (client_proof.tf: check "bpa_reaches_the_agent", open_firewall,
#           strict_checks)
# Step 7 (the connection's "Use HTTPS" in BPA Platform) is a setting of the
# BPA Platform client, not of either host.
#
# The caller passes two configurations of the windows provider: the Sage 300
# server and the BPA Platform machine.
#
#   module "sage300" {
#     source       = "../modules/sage300-https"
#     providers    = { windows.sage300 = windows.sage300, windows.bpa = windows.bpa }
#     fqdn         = "sage300.example.local"
#     pfx_path     = var.pfx_path
#     pfx_password = var.pfx_password
#   }
#
# or, for a certificate already installed in LocalMachine\My on the Sage 300
# server (a shared wildcard, one the customer's CA enrolled),
# certificate_thumbprint instead of the PFX, or neither: the installed
# certificate that covers fqdn. The module then only reads that certificate
# and never removes it.
#
# terraform plan shows the certificate's thumbprint, subject and expiry
# before anything changes, and fails if the PFX password is wrong, the PFX
# has no private key, the certificate has expired or lacks Client
# Authentication.
terraform {
  required_version = ">= 1.11"
  required_providers {
    windows = {
      source                = "seed-1120c41c/windows"
      configuration_aliases = [windows.sage300, windows.bpa]
    }
  }
}

# Step 1: certutil -p PFXPassword -importPFX ComputerName.pfx (fails the
# plan when the certificate is already in the store: use
# certificate_thumbprint then).
resource "windows_pfx_certificate" "sage300" {
  count               = var.pfx_path == null ? 0 : 1
  provider            = windows.sage300
  content_base64      = filebase64(var.pfx_path)
  password_wo         = var.pfx_password
  password_wo_version = var.pfx_password_version
  store_name          = "My"
  # The issuing CA into Intermediate Certification Authorities, the root into
  # Trusted Root Certification Authorities: the server trusts its own chain.
  import_chain = true

  lifecycle {
    # Renewal (a new PFX in pfx_path): import the new certificate, move the
    # binding to it, and only then remove the old one, so the port is never
    # bound to a certificate that is not there. Without this the provider
    # refuses to remove a certificate that a binding still uses.
    create_before_destroy = true

    # Checked at plan time: the facts of a PFX are known before apply.
    postcondition {
      condition     = contains(self.enhanced_key_usages, "1.3.6.1.5.5.7.3.2")
      error_message = "The Sage 300 certificate must include the intended purpose Client Authentication (1.3.6.1.5.5.7.3.2)."
    }
  }
}

# Step 2: netsh http add urlacl url=https://+:4207/ user=EVERYONE
resource "windows_http_urlacl" "agent" {
  # Restored before the service restarts on destroy (agent_after_rollback).
  depends_on = [windows_service_restart.agent_after_rollback]

  provider = windows.sage300
  url      = "https://+:${var.agent_port}/"
  user     = "Everyone"
}

# Rollback (terraform destroy, or the module removed): Terraform destroys a
# resource only after everything that depends on it. ServiceUri, the
# reservation and the binding depend on this restart, so they are restored
# first, and destroying it then restarts the Agent, which starts on its
# original plain-HTTP ServiceUri. Creating it restarts nothing.
resource "windows_service_restart" "agent_after_rollback" {
  provider     = windows.sage300
  service_name = var.agent_service
  when         = "destroy"
}

# Step 3: netsh http add sslcert ipport=0.0.0.0:4207 certhash=THUMBPRINT
#         appid={A86AD080-2EC6-44FB-82E4-BB1E409AB93C}
resource "windows_http_sslcert_binding" "agent" {
  # Restored before the service restarts on destroy (agent_after_rollback).
  depends_on = [windows_service_restart.agent_after_rollback]

  provider         = windows.sage300
  ipport           = "0.0.0.0:${var.agent_port}"
  certificate_hash = local.certificate.thumbprint
  # The procedure's {A86AD080-...}, in lower case as HTTP.sys reports it.
  app_id = "{a86ad080-2ec6-44fb-82e4-bb1e409ab93c}"

  lifecycle {
    # Checked at plan time, before anything changes.
    precondition {
      condition     = var.pfx_path == null || var.certificate_thumbprint == null
      error_message = "Set pfx_path (import a PFX) or certificate_thumbprint (use an installed certificate), not both."
    }
    precondition {
      condition     = provider::windows::certificate_covers(local.certificate.dns_names, local.certificate.subject, var.fqdn)
      error_message = "The certificate ${local.certificate.thumbprint} (${local.certificate.subject}; DNS names: ${join(", ", local.certificate.dns_names)}) does not cover fqdn ${var.fqdn}, the name BPA Platform uses: it would refuse it. Use a certificate issued for ${var.fqdn} (a wildcard covers one label: *.example.local covers sage300.example.local, not a.b.example.local), or set fqdn to a name it covers."
    }
  }
}

# Step 5: ServiceUri = https://FQDN:port, the name BPA Platform uses, which
# the certificate covers; the original value comes back on destroy.
resource "windows_dotnet_app_setting" "service_uri" {
  # Restored before the service restarts on destroy (agent_after_rollback).
  depends_on = [windows_service_restart.agent_after_rollback]

  provider    = windows.sage300
  config_path = var.agent_config_path
  key         = "ServiceUri"
  value       = "https://${var.fqdn}:${var.agent_port}"

  # Step 5 edits this key; a file without it fails the plan, naming the keys
  # it has, instead of getting a new entry the Agent would never read.
  require_existing = true
}

# Step 5: restart the Agent once its URI, reservation and binding are in
# place, and again whenever one of them changes.
resource "windows_service_restart" "agent" {
  provider     = windows.sage300
  service_name = var.agent_service
  triggers = {
    service_uri = windows_dotnet_app_setting.service_uri.value
    urlacl      = windows_http_urlacl.agent.id
    binding     = windows_http_sslcert_binding.agent.certificate_hash
  }
}

# Step 4: export the certificate (public part) from the Sage 300 server:
# the imported one, or the installed one (certificate_thumbprint, else the
# one that covers fqdn), which is read at plan time and never removed.
locals {
  # The certificate is the installed one that covers fqdn.
  certificate_by_name = var.pfx_path == null && var.certificate_thumbprint == null
}

data "windows_certificate" "sage300" {
  provider   = windows.sage300
  store_name = "My"
  thumbprint = var.pfx_path != null ? one(windows_pfx_certificate.sage300[*].thumbprint) : var.certificate_thumbprint
  dns_name   = local.certificate_by_name ? var.fqdn : null

  # Found by name (neither a PFX nor a thumbprint): the most recent
  # certificate for fqdn that is valid now, may serve TLS (server
  # authentication EKU, or none) and has a private key that opens. A certificate renewed on the host by another
  # tool (win-acme, Posh-ACME, AD CS autoenrollment) is so picked on the next
  # plan, and the binding moves to it. min_days_left refuses, at plan, one
  # that expires too soon, naming it and its expiry.
  most_recent           = local.certificate_by_name ? true : null
  valid_now             = local.certificate_by_name ? true : null
  server_authentication = local.certificate_by_name ? true : null
  has_private_key       = local.certificate_by_name ? true : null
  min_days_left         = var.pfx_path == null && var.min_days_left > 0 ? var.min_days_left : null

  lifecycle {
    # An installed certificate gets the checks the PFX gets at plan time.
    postcondition {
      condition     = var.pfx_path != null || (self.has_private_key && timecmp(self.not_after, plantimestamp()) > 0)
      error_message = "The certificate ${self.thumbprint} must have its private key in LocalMachine\\My and must not have expired (not_after ${self.not_after})."
    }
    postcondition {
      condition     = var.pfx_path != null || contains(self.enhanced_key_usages, "1.3.6.1.5.5.7.3.2")
      error_message = "The Sage 300 certificate must include the intended purpose Client Authentication (1.3.6.1.5.5.7.3.2)."
    }
  }
}

# Step 6: install it into Local Machine, Trusted Root Certification
# Authorities on the BPA Platform machine.
resource "windows_certificate" "bpa_trusts_sage300" {
  count      = var.trust_on_bpa ? 1 : 0
  provider   = windows.bpa
  pem        = data.windows_certificate.sage300.pem
  store_name = "Root"

  lifecycle {
    # Renewal: trust the new certificate before the old trust is removed.
    create_before_destroy = true
  }
}

# The procedure's last check, from the Sage 300 server itself: a TLS
# handshake with the Agent's port once the Agent has restarted. A failed
# handshake is reported in reachable and error, so the check warns instead
# of failing the run.
data "windows_tls_endpoint" "agent" {
  provider    = windows.sage300
  port        = var.agent_port
  server_name = var.fqdn

  depends_on = [windows_service_restart.agent]

  lifecycle {
    # strict_checks (client_proof.tf): the check below fails the apply.
    postcondition {
      condition     = !var.strict_checks || self.thumbprint == local.certificate.thumbprint
      error_message = "Port ${var.agent_port} serves ${coalesce(self.thumbprint, "nothing")}, not the certificate ${local.certificate.thumbprint}: ${coalesce(self.error, "is the Agent running with the HTTPS ServiceUri?")}"
    }
  }
}

check "agent_serves_the_certificate" {
  assert {
    condition     = data.windows_tls_endpoint.agent.thumbprint == local.certificate.thumbprint
    error_message = "Port ${var.agent_port} serves ${coalesce(data.windows_tls_endpoint.agent.thumbprint, "nothing")}, not the certificate for ${var.fqdn} (${local.certificate.thumbprint}): ${coalesce(data.windows_tls_endpoint.agent.error, "is the Agent running with the HTTPS ServiceUri?")}"
  }
}

locals {
  # The certificate the Agent serves: the imported PFX (its facts are known
  # at plan time), or the installed one.
  certificate = var.pfx_path != null ? {
    thumbprint = one(windows_pfx_certificate.sage300[*].thumbprint)
    subject    = one(windows_pfx_certificate.sage300[*].subject)
    dns_names  = one(windows_pfx_certificate.sage300[*].dns_names)
    not_after  = one(windows_pfx_certificate.sage300[*].not_after)
    } : {
    thumbprint = data.windows_certificate.sage300.thumbprint
    subject    = data.windows_certificate.sage300.subject
    dns_names  = data.windows_certificate.sage300.dns_names
    not_after  = data.windows_certificate.sage300.not_after
  }
}

# Configurations applied before the module could use an installed
# certificate keep the imported one: Terraform moves it in the state.
moved {
  from = windows_pfx_certificate.sage300
  to   = windows_pfx_certificate.sage300[0]
}
