# Let the service account of an application that serves TLS itself read
# the private key of its certificate ("Manage Private Keys..." in the
# certificates MMC, Read). The key's security descriptor is changed where the
# key lives: through CNG for keys of a key storage provider (what
# Import-PfxCertificate and ECDSA keys use), on the MachineKeys file for
# CryptoAPI keys.
variable "pfx_path" {
  description = "Path of the .pfx file on the machine running Terraform."
  type        = string
}

variable "pfx_password" {
  type      = string
  sensitive = true
  ephemeral = true # TF_VAR_pfx_password; never in the plan or state
}

resource "windows_pfx_certificate" "agent" {
  content_base64 = filebase64(var.pfx_path)
  password_wo    = var.pfx_password
}

resource "windows_certificate_private_key_access" "agent_service" {
  # A renewal imports a new key without this entry; referencing the
  # thumbprint makes the entry follow the certificate.
  thumbprint = windows_pfx_certificate.agent.thumbprint
  account    = "NT AUTHORITY\\NETWORK SERVICE"
  access     = "read"
}

# An account by SID works on hosts in every language; store_name defaults to My.
resource "windows_certificate_private_key_access" "iis" {
  thumbprint = windows_pfx_certificate.agent.thumbprint
  store_name = "My"
  account    = "S-1-5-32-568" # BUILTIN\IIS_IUSRS
}

# Grant whatever account the Sage 300 agent's service logs on as (read from
# the host at every plan): if the service is moved to another account, the
# next plan shows the change and the apply moves the grant.
resource "windows_certificate_private_key_access" "agent_by_service" {
  thumbprint = windows_pfx_certificate.agent.thumbprint
  service    = "Sage300IntegrationService"
}

# Or the service's own SID, NT SERVICE\Sage300IntegrationService, which stays
# valid whatever account the service runs as. Windows puts it in the
# service's token only after: sc.exe sidtype Sage300IntegrationService unrestricted
resource "windows_certificate_private_key_access" "agent_service_sid" {
  thumbprint  = windows_pfx_certificate.agent.thumbprint
  service     = "Sage300IntegrationService"
  service_sid = true
}
