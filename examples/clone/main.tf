# Cloning a host: make a new Windows host (the target) serve what a working
# one (the source) serves, read from the source through data sources instead
# of typed by hand. The guide "Cloning a host" (docs/guides/cloning.md) says
# when to use it and how to run it.
#
# Copied onto the target:
#   - HTTP.sys URL reservations, with their security descriptors;
#   - HTTP.sys SSL bindings (IP and SNI) with every option, serving the
#     certificate imported on the target from the PFX you supply (pfx_files):
#     a private key never leaves the source;
#   - the .exe.config app settings you name (app_settings);
#   - the Root and CA certificates you name (ca_certificates);
#   - the SChannel protocol settings the source sets explicitly, and the .NET
#     Framework strong-crypto switches when the source sets them one way;
#   - who may use each bound certificate's private key (by SID for
#     well-known accounts, by name, resolved on the target, for others).
# Not copied: private keys (the PFX you supply), software and services (install
# them on the target first: their .exe.config files must be there), local
# accounts (create them on the target first), firewall rules.
#
# Objects the target already has (a reservation its installer made, a
# binding, a root) are imported, then changed to match the source: a second
# plan is empty. Destroying this configuration removes from the target what it
# manages, imported objects included: a clone is meant to stay.
#
# Terraform 1.11 or OpenTofu 1.11 or later: passwords are ephemeral variables,
# sent through write-only attributes.
terraform {
  required_version = ">= 1.11"
  required_providers {
    windows = { source = "seed-1120c41c/windows" }
  }
}

provider "windows" {
  alias           = "source"
  host            = var.source_host.host
  port            = var.source_host.port
  https           = var.source_host.https
  auth            = var.source_host.auth
  username        = var.source_host.username
  password        = var.source_password
  ca_cert         = var.source_host.ca_cert
  tls_server_name = var.source_host.tls_server_name
  insecure        = var.source_host.insecure
}

provider "windows" {
  alias           = "target"
  host            = var.target_host.host
  port            = var.target_host.port
  https           = var.target_host.https
  auth            = var.target_host.auth
  username        = var.target_host.username
  password        = var.target_password
  ca_cert         = var.target_host.ca_cert
  tls_server_name = var.target_host.tls_server_name
  insecure        = var.target_host.insecure
}

locals {
  # The SChannel keys a host can have: protocol/side.
  schannel_sides = toset(flatten([
    for p in ["SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"] : ["${p}/server", "${p}/client"]
  ]))
  rewrite_from = var.host_name_rewrite == null ? "" : var.host_name_rewrite.from
  rewrite_to   = var.host_name_rewrite == null ? "" : var.host_name_rewrite.to
}

# ---------------------------------------------------------------------------
# What the source has.

data "windows_http_urlacls" "source" {
  provider = windows.source
}

data "windows_http_sslcert_bindings" "source" {
  provider = windows.source
}

data "windows_dotnet_app_setting" "source" {
  provider    = windows.source
  for_each    = { for s in var.app_settings : "${s.config_path}|${s.key}" => s }
  config_path = each.value.config_path
  key         = each.value.key

  lifecycle {
    postcondition {
      condition     = self.exists
      error_message = "The source's ${each.value.config_path} has no appSettings key \"${each.value.key}\"; its keys are: ${join(", ", self.keys)}. Name one of them in app_settings."
    }
  }
}

data "windows_certificates" "source" {
  provider   = windows.source
  for_each   = toset(["ROOT", "CA"])
  store_name = each.key
}

data "windows_schannel_protocol" "source" {
  provider = windows.source
  for_each = local.schannel_sides
  protocol = split("/", each.key)[0]
  side     = split("/", each.key)[1]
}

data "windows_dotnet_strong_crypto" "source" {
  provider = windows.source
}

# Who may use the private key of each certificate the source's bindings serve.
data "windows_certificate_private_key_access" "source" {
  provider   = windows.source
  for_each   = local.bound_certificate_store
  thumbprint = each.key
  store_name = each.value
}

# ---------------------------------------------------------------------------
# What the target has already: imported below instead of created.

data "windows_http_urlacls" "target" {
  provider = windows.target
}

data "windows_http_sslcert_bindings" "target" {
  provider = windows.target
}

data "windows_certificates" "target" {
  provider   = windows.target
  for_each   = toset(concat(["ROOT", "CA"], values(local.bound_certificate_store)))
  store_name = each.key
}

locals {
  # Certificates the source's bindings serve: thumbprint => store (one
  # store a certificate: the first binding's).
  bound_certificate_stores = {
    for b in data.windows_http_sslcert_bindings.source.bindings : b.certificate_hash => b.certificate_store_name...
  }
  bound_certificate_store = { for t, stores in local.bound_certificate_stores : t => stores[0] }
  pfx_thumbprints         = [for t in keys(var.pfx_files) : provider::windows::normalize_thumbprint(t)]

  target_thumbprints = {
    for store, d in data.windows_certificates.target : store => [for c in d.certificates : c.thumbprint]
  }
  target_keyed_thumbprints = {
    for store, d in data.windows_certificates.target : store => [for c in d.certificates : c.thumbprint if c.has_private_key]
  }

  # A SID local to the source or its domain (S-1-5-21-…) goes by name,
  # rewritten by account_rewrite; a well-known one (S-1-5-18, S-1-5-32-…,
  # S-1-1-0, NT SERVICE\… S-1-5-80-…) is the same everywhere.
  well_known_sid = { for sid in distinct(flatten([
    [for a in data.windows_http_urlacls.source.urlacls : [for e in a.entries : e.sid]],
    [for k in data.windows_certificate_private_key_access.source : [for e in k.entries : e.sid]],
  ])) : sid => !startswith(sid, "S-1-5-21-") }

  urlacls = {
    for a in data.windows_http_urlacls.source.urlacls : a.url => {
      url = local.rewrite_from == "" ? a.url : replace(a.url, local.rewrite_from, local.rewrite_to)
      # The security descriptor as it is when it names only well-known
      # accounts; else the one account by name, resolved on the target.
      portable = alltrue([for e in a.entries : local.well_known_sid[e.sid]])
      sddl     = a.sddl
      entries  = a.entries
    }
  }

  bindings = {
    for b in data.windows_http_sslcert_bindings.source.bindings : b.id => merge(b, {
      hostnameport = b.hostnameport == null || local.rewrite_from == "" ? b.hostnameport : replace(b.hostnameport, local.rewrite_from, local.rewrite_to)
      target_id    = b.hostnameport == null || local.rewrite_from == "" ? b.id : replace(b.id, local.rewrite_from, local.rewrite_to)
    })
  }

  ca_certificates = {
    for t in var.ca_certificates : provider::windows::normalize_thumbprint(t) => try(flatten([
      for store, d in data.windows_certificates.source : [
        for c in d.certificates : { store = store, pem = c.pem, subject = c.subject }
        if c.thumbprint == provider::windows::normalize_thumbprint(t)
      ]
    ])[0], null)
  }

  key_grants = merge([
    for thumbprint, acl in data.windows_certificate_private_key_access.source : {
      for e in acl.entries : "${thumbprint}/${e.sid}" => {
        thumbprint = thumbprint
        store      = local.bound_certificate_store[thumbprint]
        account    = local.well_known_sid[e.sid] ? e.sid : lookup(var.account_rewrite, e.account, e.account)
        access     = e.access
      } if e.access != "other"
    }
  ]...)
}

# ---------------------------------------------------------------------------
# The target.

# The bound certificates, with their private keys, from the PFX files.
resource "windows_pfx_certificate" "bound" {
  provider            = windows.target
  for_each            = var.pfx_files
  content_base64      = filebase64(each.value)
  password_wo         = lookup(var.pfx_passwords, each.key, "")
  password_wo_version = 1
  store_name          = lookup(local.bound_certificate_store, provider::windows::normalize_thumbprint(each.key), "MY")

  lifecycle {
    precondition {
      condition     = contains(keys(var.pfx_passwords), each.key)
      error_message = "pfx_passwords has no password for ${each.key} (${each.value}): give one under the same key as in pfx_files."
    }
    # Checked at plan time: the PFX is read before apply.
    postcondition {
      condition     = self.thumbprint == provider::windows::normalize_thumbprint(each.key) || var.accept_renewed_certificates
      error_message = "${each.value} holds certificate ${self.thumbprint} (${self.subject}, expires ${self.not_after}), not ${each.key} that the source serves. Export ${each.key} with its private key on the source, or, if ${self.thumbprint} is its renewal, set accept_renewed_certificates = true."
    }
    postcondition {
      condition     = contains(keys(local.bound_certificate_store), provider::windows::normalize_thumbprint(each.key))
      error_message = "No SSL binding of the source serves ${each.key}: pfx_files names the certificates of the source's bindings, which are: ${join(", ", keys(local.bound_certificate_store))}."
    }
  }
}

locals {
  # The target's thumbprint of each certificate the source serves.
  target_certificate = merge(
    { for t, _ in local.bound_certificate_store : t => t },
    { for t, c in windows_pfx_certificate.bound : provider::windows::normalize_thumbprint(t) => c.thumbprint },
  )
}

import {
  for_each = { for k, a in local.urlacls : k => a if contains([for t in data.windows_http_urlacls.target.urlacls : t.url], a.url) }
  to       = windows_http_urlacl.this[each.key]
  id       = each.value.url
  provider = windows.target
}

resource "windows_http_urlacl" "this" {
  provider = windows.target
  for_each = local.urlacls
  url      = each.value.url
  sddl     = each.value.portable ? each.value.sddl : null
  user     = each.value.portable ? null : lookup(var.account_rewrite, each.value.entries[0].account, each.value.entries[0].account)
  listen   = each.value.portable ? null : each.value.entries[0].listen
  delegate = each.value.portable ? null : each.value.entries[0].delegate

  lifecycle {
    precondition {
      condition     = each.value.portable || length(each.value.entries) == 1
      error_message = "The source's reservation of ${each.key} (${each.value.sddl}) names several accounts, some local to the source or its domain; their SIDs on the target are not known before they are resolved there. Reserve it on the target by hand (netsh http add urlacl url=${each.value.url} sddl=...) with the target's SIDs; this configuration then imports it and keeps it."
    }
  }
}

import {
  for_each = { for k, b in local.bindings : k => b if contains([for t in data.windows_http_sslcert_bindings.target.bindings : t.id], b.target_id) }
  to       = windows_http_sslcert_binding.this[each.key]
  id       = each.value.target_id
  provider = windows.target
}

resource "windows_http_sslcert_binding" "this" {
  provider               = windows.target
  for_each               = local.bindings
  ipport                 = each.value.ipport
  hostnameport           = each.value.hostnameport
  certificate_hash       = local.target_certificate[each.value.certificate_hash]
  certificate_store_name = each.value.certificate_store_name
  app_id                 = each.value.app_id

  verify_client_cert_revocation                  = each.value.verify_client_cert_revocation
  verify_revocation_with_cached_client_cert_only = each.value.verify_revocation_with_cached_client_cert_only
  usage_check                                    = each.value.usage_check
  revocation_freshness_time                      = each.value.revocation_freshness_time
  url_retrieval_timeout                          = each.value.url_retrieval_timeout
  ctl_identifier                                 = each.value.ctl_identifier
  ctl_store_name                                 = each.value.ctl_store_name
  ds_mapper_usage                                = each.value.ds_mapper_usage
  negotiate_client_cert                          = each.value.negotiate_client_cert
  disable_legacy_tls                             = each.value.disable_legacy_tls
  disable_tls13                                  = each.value.disable_tls13
  disable_http2                                  = each.value.disable_http2
  disable_quic                                   = each.value.disable_quic
  disable_ocsp_stapling                          = each.value.disable_ocsp_stapling

  lifecycle {
    precondition {
      condition = (
        contains(local.pfx_thumbprints, each.value.certificate_hash) ||
        contains(lookup(local.target_keyed_thumbprints, each.value.certificate_store_name, []), each.value.certificate_hash)
      )
      error_message = "The source's binding ${each.key} serves certificate ${each.value.certificate_hash} from LocalMachine\\${each.value.certificate_store_name}, whose private key cannot be copied from the source, and the target has no such certificate with its key. Export it with its private key on the source (Export-PfxCertificate, or the certificates MMC) and add it to pfx_files and pfx_passwords, or install it on the target first."
    }
  }
}

import {
  for_each = { for t, c in local.ca_certificates : t => c if c != null && contains(lookup(local.target_thumbprints, try(c.store, ""), []), t) }
  to       = windows_certificate.ca[each.key]
  id       = "${each.value.store}/${each.key}"
  provider = windows.target
}

resource "windows_certificate" "ca" {
  provider   = windows.target
  for_each   = local.ca_certificates
  store_name = try(each.value.store, "Root")
  pem        = try(each.value.pem, "")

  lifecycle {
    precondition {
      condition     = each.value != null
      error_message = "ca_certificates names ${each.key}, which is in neither the Root nor the CA store of the source. The output ca_certificates_missing_on_target lists the source's Root and CA certificates the target lacks."
    }
  }
}

resource "windows_dotnet_app_setting" "this" {
  provider = windows.target
  # By the names given, not the data sources: their values are sensitive.
  for_each         = { for s in var.app_settings : "${s.config_path}|${s.key}" => s }
  config_path      = each.value.config_path
  key              = each.value.key
  value            = local.rewrite_from == "" ? data.windows_dotnet_app_setting.source[each.key].value : replace(data.windows_dotnet_app_setting.source[each.key].value, local.rewrite_from, local.rewrite_to)
  require_existing = true
}

resource "windows_schannel_protocol" "this" {
  provider = windows.target
  # Only what the source sets: a side without an Enabled value follows the
  # Windows default, which the target's Windows has too.
  for_each = { for k, d in data.windows_schannel_protocol.source : k => d if d.enabled != null }
  protocol = each.value.protocol
  side     = each.value.side
  enabled  = each.value.enabled
}

resource "windows_dotnet_strong_crypto" "this" {
  provider = windows.target
  # Null on the source: its keys disagree or lack a value; nothing to copy.
  count   = data.windows_dotnet_strong_crypto.source.enabled == null ? 0 : 1
  enabled = data.windows_dotnet_strong_crypto.source.enabled
}

resource "windows_certificate_private_key_access" "this" {
  provider   = windows.target
  for_each   = local.key_grants
  thumbprint = local.target_certificate[each.value.thumbprint]
  store_name = each.value.store
  account    = each.value.account
  access     = each.value.access

  # The key is imported with the certificate.
  depends_on = [windows_pfx_certificate.bound]
}

resource "windows_service_restart" "this" {
  provider     = windows.target
  for_each     = toset(var.restart_services)
  service_name = each.key
  triggers = {
    bindings = join(",", [for k, b in windows_http_sslcert_binding.this : "${b.id}=${b.certificate_hash}"])
    urlacls  = join(",", [for k, a in windows_http_urlacl.this : "${a.url}=${a.sddl}"])
    settings = sha256(jsonencode([for k, s in windows_dotnet_app_setting.this : [k, s.value]]))
  }
}

# ---------------------------------------------------------------------------

output "ca_certificates_missing_on_target" {
  description = "The source's Root and CA certificates the target does not have and ca_certificates does not name (STORE/THUMBPRINT  subject): candidates for ca_certificates."
  value = flatten([
    for store, d in data.windows_certificates.source : [
      for c in d.certificates : "${store}/${c.thumbprint}  ${c.subject}"
      if !contains(lookup(local.target_thumbprints, store, []), c.thumbprint) && !contains(keys(windows_certificate.ca), c.thumbprint)
    ]
  ])
}

output "bindings" {
  description = "The target's SSL bindings: ID => thumbprint served."
  value       = { for k, b in windows_http_sslcert_binding.this : b.id => b.certificate_hash }
}

output "urlacls" {
  description = "The target's URL reservations: URL => security descriptor."
  value       = { for k, a in windows_http_urlacl.this : a.url => a.sddl }
}
