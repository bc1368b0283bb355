# Every certificate the host trusts as a root, for review or for copying the
# ones another host lacks (examples/clone).
data "windows_certificates" "root" {
  store_name = "Root"
}

# Roots that expire within 90 days.
output "roots_expiring_soon" {
  value = [
    for c in data.windows_certificates.root.certificates : "${c.thumbprint}  ${c.subject}  ${c.not_after}"
    if timecmp(c.not_after, timeadd(plantimestamp(), "2160h")) < 0
  ]
}

# The Personal store's certificates that HTTP.sys could serve: a private key
# that opens and the server authentication EKU.
data "windows_certificates" "my" {
  store_name = "My"
}

output "server_certificates" {
  value = {
    for c in data.windows_certificates.my.certificates : c.thumbprint => c.subject
    if c.has_private_key && contains(c.enhanced_key_usages, "1.3.6.1.5.5.7.3.1")
  }
}
