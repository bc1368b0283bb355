# netsh http add urlacl url=https://+:4207/ user=EVERYONE
# (the Sage 300 Connector agent's port). "Everyone" works on hosts in every
# language: the provider resolves well-known English names to their SIDs.
resource "windows_http_urlacl" "sage300_agent" {
  url  = "https://+:4207/"
  user = "Everyone"
}

# A service account that may listen and delegate.
resource "windows_http_urlacl" "api" {
  url      = "http://+:8080/api/"
  user     = "NT AUTHORITY\\NETWORK SERVICE"
  listen   = true
  delegate = true
}

# Several accounts at once: give the security descriptor instead of user.
resource "windows_http_urlacl" "shared" {
  url  = "http://+:8081/"
  sddl = "D:(A;;GX;;;BU)(A;;GA;;;BA)"
}
