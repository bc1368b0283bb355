variable "fqdn" {
  description = "The name BPA Platform uses to reach the Sage 300 server, as in the Agent's ServiceUri https://FQDN:4207. The certificate must cover it (a wildcard covers one label), or the plan fails; the ServiceUri and the check use it."
  type        = string
}

variable "pfx_path" {
  description = "Path, on the machine running Terraform, of the Sage 300 server's .pfx (ComputerName.pfx in the procedure), which the module imports (and removes on destroy). Null (the default): use a certificate already installed in LocalMachine\\My, by certificate_thumbprint, else the one that covers fqdn."
  type        = string
  default     = null

  validation {
    condition     = var.pfx_path == null ? true : trimspace(var.pfx_path) != ""
    error_message = "pfx_path is empty: give the path of the .pfx, or leave pfx_path unset (null) to use a certificate already installed."
  }
}

variable "pfx_password" {
  description = "The PFX password. Never stored in the state or plan."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

variable "certificate_thumbprint" {
  description = "Thumbprint of a certificate already installed in LocalMachine\\My on the Sage 300 server (a shared wildcard, one the customer's CA enrolled) to use instead of a PFX. The module only reads it: destroy never removes it."
  type        = string
  default     = null
}

variable "pfx_password_version" {
  description = "Raise it when pfx_password changes for the same PFX, so that the certificate is imported again with it."
  type        = number
  default     = 1
}

variable "agent_config_path" {
  description = "The Agent's .exe.config on the Sage 300 server."
  type        = string
  default     = "C:\\Program Files (x86)\\Sage 300 Connector Agent\\Sage300IntegrationService.exe.config"
}

variable "agent_service" {
  description = "Service name of the Sage 300 Connector Agent."
  type        = string
  default     = "Sage300IntegrationService"
}

variable "agent_port" {
  description = "TCP port of the Sage 300 Connector Agent."
  type        = number
  default     = 4207
}

variable "min_days_left" {
  description = "Days an installed certificate (found by name or by certificate_thumbprint) must have left: one with fewer fails the plan, naming its thumbprint, subject and expiry, until the renewed certificate is installed on the host. 0 (the default) adds no check to the module's own (a certificate found by name must be valid now, one given by thumbprint must not have expired); set it below the days before expiry at which the renewal tool renews (ACME clients: about 30 days before; 20 then leaves ten days) to hear, from a scheduled terraform plan, of a renewal that did not happen. A PFX (pfx_path) is not checked."
  type        = number
  default     = 0

  validation {
    condition     = var.min_days_left >= 0 && floor(var.min_days_left) == var.min_days_left
    error_message = "min_days_left is a whole number of days, 0 or more."
  }
}
