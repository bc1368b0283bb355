package provider

// SDDLEquivalent lets the acceptance tests (package provider_test) compare
// the host's SDDL by meaning, as the provider does.
var SDDLEquivalent = sddlEquivalent
