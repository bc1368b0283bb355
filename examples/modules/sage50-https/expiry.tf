# Expiry: the days left of the certificate the Sage 50 Integration Agent's port is bound
# to, read from the host (windows_certificates_in_use) after the binding is
# made, so it is the certificate HTTP.sys serves, whoever bound it.
#   output days_left         whole days until not_after (0 on the last day,
#                            negative once expired; null while the binding is
#                            being made: read again on the next plan)
#   variable warn_days_left  below this many days, check "certificate_expiry"
#                            warns on every plan and apply, naming the port,
#                            thumbprint, subject and expiry (default 30; 0 only
#                            warns once it has expired or is gone)
# A check warns and never stops a plan; an estate that must stop below a
# threshold compares days_left itself (see examples/fleet, min_days_left).

variable "warn_days_left" {
  description = "Warn (check \"certificate_expiry\") when the certificate the port is bound to has fewer days left than this."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.warn_days_left >= 0 && floor(var.warn_days_left) == var.warn_days_left
    error_message = "warn_days_left must be a whole number of days, 0 or more (30 warns a month ahead; ACME certificates live 90 days)."
  }
}

# The port's binding as the host has it, read after this module made it.
data "windows_certificates_in_use" "port" {
  port       = var.port
  depends_on = [windows_http_sslcert_binding.integration_agent]
}

locals {
  # The entry of this module's binding (ipport=0.0.0.0:PORT); null when the
  # host has none.
  in_use = one([for b in data.windows_certificates_in_use.port.bindings : b if b.binding == windows_http_sslcert_binding.integration_agent.id])
}

output "days_left" {
  description = "Whole days the certificate the port is bound to has left (0 on its last day, negative once expired); null when the port's certificate is not in its store."
  value       = try(local.in_use.days_left, null)
}

check "certificate_expiry" {
  assert {
    condition     = local.in_use != null && try(local.in_use.certificate_found, false) && try(local.in_use.days_left >= var.warn_days_left, false)
    error_message = local.in_use == null ? "Port ${var.port} has no SSL binding on the host: apply again to bind it." : !local.in_use.certificate_found ? "Port ${var.port} is bound to certificate ${local.in_use.thumbprint}, which is not in LocalMachine\\${local.in_use.store} any more: TLS handshakes on the port fail. Import the certificate (or its renewal) and apply again." : "Port ${var.port} serves certificate ${local.in_use.thumbprint} (${local.in_use.subject}), which expires ${local.in_use.not_after}: ${local.in_use.days_left} days left, fewer than warn_days_left (${var.warn_days_left}). Renew it and apply with the new PFX or certificate before the connector's clients (BPA Platform) refuse it."
  }
}
