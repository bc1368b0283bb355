# netsh http add sslcert ipport=0.0.0.0:4106 certhash=<thumbprint>
#   appid={4d159978-4574-4dd5-b3ff-6f7fc8c20344}
# (the Sage 50 Accounts Integration Agent's port). A thumbprint pasted from
# the certificate MMC (spaces, lower case, an invisible U+200E mark) works;
# normalize_thumbprint() makes the plan and state show what the host gets.
resource "windows_http_sslcert_binding" "integration_agent" {
  ipport           = "0.0.0.0:4106"
  certificate_hash = provider::windows::normalize_thumbprint("01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67")
  app_id           = "{4d159978-4574-4dd5-b3ff-6f7fc8c20344}"
}

# An SNI binding for one host name, with client certificates requested.
resource "windows_http_sslcert_binding" "portal" {
  hostnameport           = "portal.example.com:443"
  certificate_hash       = "89ABCDEF0123456789ABCDEF0123456789ABCDEF"
  certificate_store_name = "WebHosting"
  app_id                 = "{0a3d5e6f-1111-4222-8333-944455556666}"
  negotiate_client_cert  = true
}

# Only TLS 1.2 and later on the Integration Agent's port, whatever the
# machine-wide SChannel settings allow for other ports.
resource "windows_http_sslcert_binding" "tls12_only" {
  ipport             = "0.0.0.0:4107"
  certificate_hash   = "0123456789ABCDEF0123456789ABCDEF01234567"
  app_id             = "{4d159978-4574-4dd5-b3ff-6f7fc8c20344}"
  disable_legacy_tls = true
}
