# Inputs of examples/clone: the two hosts, the PFX files of the certificates
# whose private keys stay on the source, and what else to copy.

variable "source_host" {
  description = "WinRM endpoint of the working host to copy (read only: nothing is changed on it). Fields as in the provider block; port defaults to 5985, or 5986 with https."
  type = object({
    host            = string
    port            = optional(number)
    https           = optional(bool)
    auth            = optional(string)
    username        = string
    ca_cert         = optional(string)
    tls_server_name = optional(string)
    insecure        = optional(bool)
  })
}

variable "source_password" {
  description = "Password of source_host's account (TF_VAR_source_password)."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "target_host" {
  description = "WinRM endpoint of the new host that becomes a copy of the source."
  type = object({
    host            = string
    port            = optional(number)
    https           = optional(bool)
    auth            = optional(string)
    username        = string
    ca_cert         = optional(string)
    tls_server_name = optional(string)
    insecure        = optional(bool)
  })
}

variable "target_password" {
  description = "Password of target_host's account (TF_VAR_target_password)."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "pfx_files" {
  description = <<-EOT
    The certificates the source's SSL bindings serve, as PFX files on the machine running Terraform, by the
    source binding's thumbprint: { "0123…CDEF" = "certs/sage50.pfx" }. A private key cannot be read from the
    source: export it there with its key (certificates MMC, Export, "Yes, export the private key"; or
    Export-PfxCertificate), or use the PFX the certificate came in. A binding whose certificate is not listed
    must find it, with its private key, on the target already.
  EOT
  type        = map(string)
  default     = {}
}

variable "pfx_passwords" {
  description = "The password of each PFX of pfx_files, by the same thumbprint (TF_VAR_pfx_passwords='{\"0123…CDEF\":\"...\"}'). Never stored in the state or plan."
  type        = map(string)
  sensitive   = true
  ephemeral   = true
  default     = {}
}

variable "accept_renewed_certificates" {
  description = "Accept a PFX of pfx_files that holds another certificate than its key says (a renewal of the source's): the target's bindings then serve the certificate of the PFX. Otherwise the plan fails, naming both."
  type        = bool
  default     = false
}

variable "app_settings" {
  description = "The .exe.config appSettings keys to copy, as the procedure that set up the source names them: [{ config_path = \"C:\\\\...\\\\Service.exe.config\", key = \"HttpsServiceUri\" }]. The applications must be installed on the target (their files are not copied), and each key must be in both files."
  type = list(object({
    config_path = string
    key         = string
  }))
  default = []
}

variable "ca_certificates" {
  description = <<-EOT
    Thumbprints of the source's Root and CA certificates to copy: the ones the procedure installed (a private
    CA, a customer's issuing CA). A list, not "every one the target lacks": Windows fills its root store on
    demand (automatic root update), so two hosts differ in roots nobody installed, and a copied certificate is
    destroyed with the clone. The output ca_certificates_missing_on_target lists the source's candidates.
  EOT
  type        = list(string)
  default     = []
}

variable "host_name_rewrite" {
  description = "Rewrite the source's host name in URL reservations, SNI bindings and the copied app settings: { from = \"sage50-old.example.local\", to = \"sage50.example.local\" }. Exact text, case-sensitive. Null copies them as they are."
  type = object({
    from = string
    to   = string
  })
  default = null
}

variable "account_rewrite" {
  description = "Account names to use on the target for accounts of the source's URL reservations and key grants that are local to the source or its domain (SIDs S-1-5-21-…): { \"SAGE50-OLD\\\\svc-sage\" = \"SAGE50\\\\svc-sage\" }. Unlisted ones keep the source's name, resolved on the target; well-known accounts (SYSTEM, NETWORK SERVICE, Everyone, NT SERVICE\\…) go by SID."
  type        = map(string)
  default     = {}
}

variable "restart_services" {
  description = "Services of the target to restart once the copied bindings, reservations and settings are in place, and whenever they change (the Sage 50 Integration Service reads its .exe.config and binding at start)."
  type        = list(string)
  default     = []
}
