// Command terraform-provider-windows serves the Windows provider to Terraform
// over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=…").
var version = "dev"

func main() {
	debug := flag.Bool("debug", false, "run with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/seed-1120c41c/windows",
		Debug:   *debug,
	})
	// Terraform has shut the plugin down (after its last request, or after
	// Ctrl-C interrupted them): delete the PowerShell workers' shells before
	// exiting, within the two seconds Terraform waits before killing us.
	provider.CloseClients()
	if err != nil {
		log.Fatal(err)
	}
}
