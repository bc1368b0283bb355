# Export the Sage 300 server's certificate (public part only) and trust it on
# the BPA Platform machine: two hosts, two provider blocks.
provider "windows" {
  alias = "sage300"
  host  = "sage300.example.local"
}

provider "windows" {
  alias = "bpa"
  host  = "bpa.example.local"
}

data "windows_certificate" "sage300" {
  provider = windows.sage300
  dns_name = "sage300.example.local"
}

resource "windows_certificate" "bpa_trusts_sage300" {
  provider   = windows.bpa
  pem        = data.windows_certificate.sage300.pem
  store_name = "Root"
}

# A CA certificate given as PEM text, into Intermediate Certification
# Authorities.
variable "issuing_ca_pem" {
  description = "PEM of the issuing CA's certificate."
  type        = string
}

resource "windows_certificate" "issuing_ca" {
  provider   = windows.bpa
  pem        = var.issuing_ca_pem
  store_name = "CA"
}
