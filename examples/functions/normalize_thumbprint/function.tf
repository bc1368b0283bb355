# A thumbprint as the certificate MMC copies it: an invisible U+200E in front
# (written \u200E here), spaces, lower case.
output "thumbprint" {
  # "0123456789ABCDEF0123456789ABCDEF01234567"
  value = provider::windows::normalize_thumbprint("\u200E01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67")
}

# OpenSSL's fingerprint format works too.
output "from_openssl" {
  value = provider::windows::normalize_thumbprint("01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67")
}
