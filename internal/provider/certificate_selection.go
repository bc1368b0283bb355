package provider

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/seed-1120c41c/terraform-provider-windows/internal/provider/valuetext"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

// oidServerAuth is the TLS server authentication key purpose (RFC 5280
// 4.2.1.12, id-kp-serverAuth).
const oidServerAuth = "1.3.6.1.5.5.7.3.1"

// certificateSelection is what the windows_certificate data source asks
// for: the search (thumbprint, subject or DNS name), the filters a
// candidate must pass, whether the most recent of several wins, and the
// days the one chosen must have left.
type certificateSelection struct {
	match    func(windows.Certificate) bool
	describe string // the search, for messages: `DNS name "a.example.local"`
	filters  []certificateFilter
	// mostRecent picks, among several candidates, the one with the latest
	// not_before (then the latest not_after, then the greatest thumbprint)
	// instead of failing.
	mostRecent bool
	// minDaysLeft, if set, refuses the chosen certificate when it has fewer
	// days left.
	minDaysLeft *int64
}

// certificateFilter is one condition a candidate must meet; reject says
// why a certificate fails it ("expired"), or "" when it passes.
type certificateFilter struct {
	reject func(c windows.Certificate, now time.Time) string
}

// issuerFilter keeps the certificates issued by issuer: the whole DN or its
// common name, as subject matches.
func issuerFilter(issuer string) certificateFilter {
	return certificateFilter{reject: func(c windows.Certificate, _ time.Time) string {
		if subjectMatches(c.Issuer, issuer) {
			return ""
		}
		return "issued by " + c.Issuer + ", not " + valuetext.Quote(issuer)
	}}
}

// validNowFilter keeps the certificates valid now: not_before <= now <
// not_after.
func validNowFilter() certificateFilter {
	return certificateFilter{reject: func(c windows.Certificate, now time.Time) string {
		switch {
		case now.Before(c.NotBefore):
			return "not yet valid (from " + formatTime(c.NotBefore) + ")"
		case !now.Before(c.NotAfter):
			return "expired"
		}
		return ""
	}}
}

// serverAuthenticationFilter keeps the certificates TLS servers may use:
// with the server authentication EKU, or without the EKU extension, which
// RFC 5280 4.2.1.12 reads as any purpose. The host reports no extension as
// no OIDs; an EKU extension holds at least one (KeyPurposeId SIZE (1..MAX)).
func serverAuthenticationFilter() certificateFilter {
	return certificateFilter{reject: func(c windows.Certificate, _ time.Time) string {
		if hasServerAuthentication(c.EnhancedKeyUsages) {
			return ""
		}
		return "no server authentication EKU"
	}}
}

func hasServerAuthentication(ekus []string) bool {
	if len(ekus) == 0 {
		return true
	}
	for _, oid := range ekus {
		if oid == oidServerAuth {
			return true
		}
	}
	return false
}

// privateKeyFilter keeps the certificates whose private key opens on the
// host (want true), or those without one that opens (want false).
func privateKeyFilter(want bool) certificateFilter {
	return certificateFilter{reject: func(c windows.Certificate, _ time.Time) string {
		switch opens := factsFromHost(c).HasPrivateKey; {
		case opens == want:
			return ""
		case opens:
			return "has a private key"
		case c.HasPrivateKey:
			return "key does not open"
		}
		return "no private key"
	}}
}

// selectCertificate returns the certificate the selection asks for, or an
// error listing the candidates: the store's certificates when none matches
// the search, the matches with what excluded each when the filters leave
// none, the candidates when several remain without most_recent, and the one
// chosen with its expiry when it has fewer than min_days_left days left.
func selectCertificate(certs []windows.Certificate, sel certificateSelection, store string, now time.Time) (windows.Certificate, error) {
	var matches []windows.Certificate
	for _, c := range certs {
		if sel.match(c) {
			matches = append(matches, c)
		}
	}
	if len(matches) == 0 {
		if len(certs) == 0 {
			return windows.Certificate{}, fmt.Errorf("no certificate matches %s: LocalMachine\\%s is empty", sel.describe, store)
		}
		return windows.Certificate{}, fmt.Errorf("no certificate matches %s in LocalMachine\\%s. The store holds:\n%s",
			sel.describe, store, listCandidates(certs, now, nil))
	}
	var candidates []windows.Certificate
	reasons := map[string][]string{}
	for _, c := range matches {
		for _, f := range sel.filters {
			if reason := f.reject(c, now); reason != "" {
				reasons[c.Thumbprint] = append(reasons[c.Thumbprint], reason)
			}
		}
		if len(reasons[c.Thumbprint]) == 0 {
			candidates = append(candidates, c)
		}
	}
	var chosen windows.Certificate
	switch {
	case len(candidates) == 0:
		return windows.Certificate{}, fmt.Errorf("%s in LocalMachine\\%s, but the filters exclude %s:\n%s",
			countMatching(len(matches), sel.describe), store, itOrAll(len(matches)), listCandidates(matches, now, reasons))
	case len(candidates) == 1:
		chosen = candidates[0]
	case sel.mostRecent:
		chosen = mostRecentCertificate(candidates)
	default:
		return windows.Certificate{}, fmt.Errorf("%d certificates match %s in LocalMachine\\%s; select one by thumbprint, "+
			"or set most_recent = true to take the one issued last:\n%s",
			len(candidates), sel.describe, store, listCandidates(candidates, now, nil))
	}
	if sel.minDaysLeft != nil {
		if left := daysLeft(chosen.NotAfter, now); left < *sel.minDaysLeft {
			return chosen, &tooFewDaysLeftError{cert: chosen, daysLeft: left, min: *sel.minDaysLeft, describe: sel.describe, store: store}
		}
	}
	return chosen, nil
}

// tooFewDaysLeftError refuses the certificate chosen: it expires in fewer
// than min_days_left days.
type tooFewDaysLeftError struct {
	cert     windows.Certificate
	daysLeft int64
	min      int64
	describe string
	store    string
}

func (e *tooFewDaysLeftError) Error() string {
	when := fmt.Sprintf("expires %s: %d days left", formatTime(e.cert.NotAfter), e.daysLeft)
	lower := " Lower min_days_left only to accept this certificate until then."
	if e.daysLeft < 0 {
		when, lower = fmt.Sprintf("expired %s (%d days left)", formatTime(e.cert.NotAfter), e.daysLeft), ""
	}
	return fmt.Sprintf("The certificate %s (%s) in LocalMachine\\%s, found by %s, %s, fewer than min_days_left = %d.\n\n"+
		"Renew it and install the renewed certificate, with its private key, in LocalMachine\\%s (win-acme, Posh-ACME, "+
		"AD CS autoenrollment, or an import of the renewed PFX): the next plan picks it.%s",
		e.cert.Thumbprint, e.cert.Subject, e.store, e.describe, when, e.min, e.store, lower)
}

// mostRecentCertificate is the certificate issued last: the latest
// not_before, then the latest not_after, then the greatest thumbprint, so
// the choice never depends on the store's order.
func mostRecentCertificate(certs []windows.Certificate) windows.Certificate {
	sorted := append([]windows.Certificate{}, certs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if !a.NotBefore.Equal(b.NotBefore) {
			return a.NotBefore.After(b.NotBefore)
		}
		if !a.NotAfter.Equal(b.NotAfter) {
			return a.NotAfter.After(b.NotAfter)
		}
		return strings.ToUpper(a.Thumbprint) > strings.ToUpper(b.Thumbprint)
	})
	return sorted[0]
}

func countMatching(n int, describe string) string {
	if n == 1 {
		return "1 certificate matches " + describe
	}
	return fmt.Sprintf("%d certificates match %s", n, describe)
}

func itOrAll(n int) string {
	if n == 1 {
		return "it"
	}
	return "all of them"
}

// listCandidates lists certificates with their expiry and days left, and
// what excluded each where reasons says.
func listCandidates(certs []windows.Certificate, now time.Time, reasons map[string][]string) string {
	var b strings.Builder
	for i, c := range certs {
		if i == maxListedCandidates {
			fmt.Fprintf(&b, "  … and %d more\n", len(certs)-i)
			break
		}
		fmt.Fprintf(&b, "  %s  %s  (expires %s, %d days left)", c.Thumbprint, c.Subject, formatTime(c.NotAfter), daysLeft(c.NotAfter, now))
		if r := reasons[c.Thumbprint]; len(r) > 0 {
			fmt.Fprintf(&b, ": %s", strings.Join(r, "; "))
		}
		b.WriteString("\n")
	}
	return b.String()
}
