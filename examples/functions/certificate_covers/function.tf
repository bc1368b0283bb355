# Fail the plan when the certificate does not cover the name clients use.
data "windows_certificate" "server" {
  store_name = "My"
  thumbprint = var.certificate_thumbprint

  lifecycle {
    postcondition {
      condition     = provider::windows::certificate_covers(self.dns_names, self.subject, var.fqdn)
      error_message = "The certificate ${self.thumbprint} (${join(", ", self.dns_names)}) does not cover ${var.fqdn}."
    }
  }
}

# A wildcard name covers one label: true for sage300.example.local ...
output "one_label" {
  value = provider::windows::certificate_covers(["*.example.local"], "CN=*.example.local", "sage300.example.local")
}

# ... false for a.b.example.local.
output "two_labels" {
  value = provider::windows::certificate_covers(["*.example.local"], "CN=*.example.local", "a.b.example.local")
}

variable "certificate_thumbprint" {
  type = string
}

variable "fqdn" {
  description = "The name clients use to reach the server."
  type        = string
}
