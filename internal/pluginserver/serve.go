package pluginserver

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Serve serves the provider at address to Terraform (or, with debug, to a
// debugger as providerserver.Serve's Debug does): the framework's server
// wrapped by Releasing, after QuietUnlessAsked.
func Serve(address string, providerFunc func() provider.Provider, debug bool) error {
	QuietUnlessAsked()
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	return tf6server.Serve(address, func() tfprotov6.ProviderServer {
		return Releasing(providerserver.NewProtocol6(providerFunc())())
	}, opts...)
}
