import {
  to = windows_http_urlacl.sage300_agent
  id = "https://+:4207/"
}
