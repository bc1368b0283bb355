// Package attribute_validator holds the provider's attribute validators that
// do not depend on a resource: a validator built from a check function,
// durations, PEM certificates, and the warning for a value that is valid but
// not written as the host shows it. Diagnostics name the attribute.
package attribute_validator
