# A URL reservation is imported by its URL prefix, exactly as reserved.
terraform import windows_http_urlacl.sage300_agent https://+:4207/
