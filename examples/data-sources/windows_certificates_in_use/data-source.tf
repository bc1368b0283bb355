# Every SSL binding of the host, with the certificate it serves.
data "windows_certificates_in_use" "all" {}

# Soonest expiry first: binding, subject and days left.
output "expiry_report" {
  value = [
    for b in data.windows_certificates_in_use.all.bindings :
    "${b.binding}: ${b.central_certificate_store ? "Central Certificate Store" : coalesce(b.subject, "certificate not in ${b.store}")}, ${b.days_left == null ? "-" : b.days_left} days left"
  ]
}

# Only the bindings on one port.
data "windows_certificates_in_use" "sage50" {
  port = 4106
}

# Warn (on every plan and apply) when a bound certificate has fewer than
# 30 days left, its key no longer opens, or it is gone from its store.
# (A Central Certificate Store binding names no certificate to check.)
check "certificates_in_use" {
  assert {
    condition = alltrue([
      for b in data.windows_certificates_in_use.sage50.bindings :
      b.central_certificate_store ? true : b.certificate_found && b.key_opens && coalesce(b.days_left, -1) >= 30
    ])
    error_message = join("; ", [
      for b in data.windows_certificates_in_use.sage50.bindings :
      "${b.binding} serves ${b.thumbprint} (${coalesce(b.subject, "not in its store")}), ${b.days_left == null ? "-" : b.days_left} days left, key opens: ${b.key_opens}"
      if !b.central_certificate_store && !(b.certificate_found && b.key_opens && coalesce(b.days_left, -1) >= 30)
    ])
  }
}
