# netsh http add sslcert ipport=0.0.0.0:4106 certhash=<thumbprint>
#   appid={4d159978-4574-4dd5-b3ff-6f7fc8c20344}
# (the Sage 50 Accounts Integration Agent's port). The thumbprint may be
# pasted from the certificate MMC as it is: spaces, case and its invisible
# U+200E mark do not matter.
resource "windows_http_sslcert_binding" "integration_agent" {
  ipport           = "0.0.0.0:4106"
  certificate_hash = "0123456789abcdef0123456789abcdef01234567"
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
