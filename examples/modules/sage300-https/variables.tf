variable "pfx_path" {
  description = "Path, on the machine running Terraform, of the Sage 300 server's .pfx (ComputerName.pfx in the procedure)."
  type        = string
}

variable "pfx_password" {
  description = "The PFX password. Never stored in the state or plan."
  type        = string
  sensitive   = true
  ephemeral   = true
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
