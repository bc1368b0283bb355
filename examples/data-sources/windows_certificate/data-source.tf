# A certificate installed by hand, found by a DNS name of its subject
# alternative names.
data "windows_certificate" "agent" {
  dns_name = "sage300.example.local"
}

# By subject: the whole distinguished name or only its common name.
data "windows_certificate" "by_subject" {
  subject = "CN=sage300.example.local, O=Example"
}

# As copied from the certificate MMC: spaces, case and the hidden U+200E
# (written \u200E here) are fine.
data "windows_certificate" "pasted" {
  store_name = "WebHosting"
  thumbprint = "\u200E01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67"
}

output "agent_certificate" {
  value = {
    thumbprint = data.windows_certificate.agent.thumbprint
    not_after  = data.windows_certificate.agent.not_after
    pem        = data.windows_certificate.agent.pem
  }
}
