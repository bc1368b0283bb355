import {
  to = windows_http_sslcert_binding.integration_agent
  id = "0.0.0.0:4106"
}
