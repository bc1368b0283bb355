# An IP binding is imported by its ipport, an SNI binding by its hostnameport.
# The prefixes ipport= and hostnameport= (the resource's IDs) work too.
terraform import windows_http_sslcert_binding.integration_agent 0.0.0.0:4106
terraform import windows_http_sslcert_binding.portal hostnameport=portal.example.com:443
