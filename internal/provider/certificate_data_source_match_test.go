package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/seed-1120c41c/terraform-provider-windows/internal/windows"
)

func TestSubjectMatches(t *testing.T) {
	const subject = `CN=sage300.example.local, OU="IT, Leeds", O=Example Ltd, C=GB`
	tests := []struct {
		want string
		ok   bool
	}{
		{want: subject, ok: true},
		{want: `cn=SAGE300.example.local,ou="IT, Leeds",o=example ltd,c=gb`, ok: true},
		{want: "sage300.example.local", ok: true},
		{want: "SAGE300.EXAMPLE.LOCAL", ok: true},
		{want: "  sage300.example.local ", ok: true},
		{want: "CN=sage300.example.local", ok: false},
		{want: "sage300", ok: false},
		{want: "Example Ltd", ok: false},
		{want: "", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := subjectMatches(subject, tt.want); got != tt.ok {
				t.Errorf("subjectMatches(%q) = %t, want %t", tt.want, got, tt.ok)
			}
		})
	}
}

func TestDNSNameMatches(t *testing.T) {
	names := []string{"sage300.example.local", "*.apps.example.local"}
	tests := []struct {
		name string
		ok   bool
	}{
		{name: "sage300.example.local", ok: true},
		{name: "SAGE300.Example.Local.", ok: true},
		{name: "bpa.apps.example.local", ok: true},
		{name: "*.apps.example.local", ok: true},
		{name: "a.b.apps.example.local", ok: false},
		{name: "apps.example.local", ok: false},
		{name: ".apps.example.local", ok: false},
		{name: "example.local", ok: false},
		{name: "other.example.local", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dnsNameMatches(names, tt.name); got != tt.ok {
				t.Errorf("dnsNameMatches(%q) = %t, want %t", tt.name, got, tt.ok)
			}
		})
	}
}

func TestSelectCertificate(t *testing.T) {
	cert := func(i int, subject string) windows.Certificate {
		return windows.Certificate{Thumbprint: strings.Repeat(fmt.Sprintf("%X", i%16), 40), Subject: subject,
			NotAfter: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	store := []windows.Certificate{cert(1, "CN=a"), cert(2, "CN=b"), cert(3, "CN=b")}
	bySubject := func(s string) func(windows.Certificate) bool {
		return func(c windows.Certificate) bool { return subjectMatches(c.Subject, s) }
	}
	tests := []struct {
		name    string
		certs   []windows.Certificate
		subject string
		want    string
		wantErr []string
	}{
		{name: "one match", certs: store, subject: "a", want: cert(1, "").Thumbprint},
		{name: "several", certs: store, subject: "b", wantErr: []string{"2 certificates match", cert(2, "").Thumbprint, cert(3, "").Thumbprint, "select one by thumbprint", "most_recent = true"}},
		{name: "none lists the store", certs: store, subject: "c", wantErr: []string{"no certificate matches", "CN=a", "CN=b", "2030-01-01T00:00:00Z", "365 days left"}},
		{name: "empty store", certs: nil, subject: "c", wantErr: []string{`LocalMachine\MY is empty`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel := certificateSelection{match: bySubject(tt.subject), describe: "subject " + tt.subject}
			got, err := selectCertificate(tt.certs, sel, "MY", time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC))
			if tt.wantErr == nil {
				if err != nil || got.Thumbprint != tt.want {
					t.Fatalf("selectCertificate = %s, %v; want %s", got.Thumbprint, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

func TestSelectCertificateBoundsTheList(t *testing.T) {
	var certs []windows.Certificate
	for i := 0; i < 50; i++ {
		certs = append(certs, windows.Certificate{Thumbprint: fmt.Sprintf("%040d", i), Subject: "CN=same"})
	}
	sel := certificateSelection{match: func(windows.Certificate) bool { return true }, describe: "subject same"}
	_, err := selectCertificate(certs, sel, "MY", time.Now())
	if err == nil || strings.Count(err.Error(), "CN=same") != maxListedCandidates || !strings.Contains(err.Error(), "and 30 more") {
		t.Errorf("error lists the wrong candidates: %v", err)
	}
}

// TestCertificateMatcherByDNSName: dns_name finds the certificate that
// covers the name, a CN-only certificate by its common name.
func TestCertificateMatcherByDNSName(t *testing.T) {
	match, _, err := certificateMatcher(certificateDataSourceModel{DNSName: types.StringValue("sage300.example.local")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		cert windows.Certificate
		ok   bool
	}{
		{windows.Certificate{Subject: "CN=sage300.example.local"}, true},
		{windows.Certificate{Subject: "CN=sage300.example.local", DNSNames: []string{"other.example.local"}}, false},
		{windows.Certificate{Subject: "CN=x", DNSNames: []string{"*.example.local"}}, true},
		{windows.Certificate{Subject: "CN=x", DNSNames: []string{"*.local"}}, false},
	} {
		if got := match(tt.cert); got != tt.ok {
			t.Errorf("match(%+v) = %t, want %t", tt.cert, got, tt.ok)
		}
	}
}

// TestSelectCertificateSelectors: each selector keeps what it must, the
// most recent of several wins only with most_recent, filters that exclude
// every match name what excluded each, and min_days_left refuses the
// certificate chosen, naming its expiry, rather than falling back to
// another.
func TestSelectCertificateSelectors(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	yes, no := true, false
	type certSpec struct {
		id        int
		from, to  time.Duration // not_before and not_after, from now
		issuer    string
		ekus      []string
		hasKey    bool
		keyOpens  *bool
		subjectCN string
	}
	mk := func(s certSpec) windows.Certificate {
		cn := s.subjectCN
		if cn == "" {
			cn = "www.example.local"
		}
		issuer := s.issuer
		if issuer == "" {
			issuer = "CN=Example Issuing CA, O=Example"
		}
		return windows.Certificate{
			Thumbprint: strings.Repeat(fmt.Sprintf("%X", s.id%16), 40), Subject: "CN=" + cn, Issuer: issuer,
			DNSNames: []string{cn}, NotBefore: now.Add(s.from), NotAfter: now.Add(s.to),
			HasPrivateKey: s.hasKey, KeyOpens: s.keyOpens, EnhancedKeyUsages: s.ekus,
		}
	}
	thumb := func(id int) string { return strings.Repeat(fmt.Sprintf("%X", id%16), 40) }
	serverAuth := []string{"1.3.6.1.5.5.7.3.2", oidServerAuth}
	clientOnly := []string{"1.3.6.1.5.5.7.3.2"}
	old := certSpec{id: 1, from: -300 * day, to: 65 * day, ekus: serverAuth, hasKey: true, keyOpens: &yes}
	renewed := certSpec{id: 2, from: -1 * day, to: 89 * day, ekus: serverAuth, hasKey: true, keyOpens: &yes}
	minDays := func(n int64) *int64 { return &n }

	tests := []struct {
		name       string
		certs      []certSpec
		filters    []certificateFilter
		mostRecent bool
		minDays    *int64
		want       int
		wantErr    []string
	}{
		{name: "renewed: several without most_recent", certs: []certSpec{old, renewed},
			wantErr: []string{"2 certificates match", thumb(1), thumb(2), "most_recent = true"}},
		{name: "renewed: most_recent takes the newest", certs: []certSpec{old, renewed}, mostRecent: true, want: 2},
		{name: "most_recent does not depend on order", certs: []certSpec{renewed, old}, mostRecent: true, want: 2},
		{name: "same not_before: the latest not_after", mostRecent: true, want: 4, certs: []certSpec{
			{id: 3, from: -day, to: 30 * day}, {id: 4, from: -day, to: 60 * day}}},
		{name: "same dates: the greatest thumbprint", mostRecent: true, want: 6, certs: []certSpec{
			{id: 6, from: -day, to: 30 * day}, {id: 5, from: -day, to: 30 * day}}},
		{name: "valid_now drops the expired and the not yet valid", filters: []certificateFilter{validNowFilter()}, mostRecent: true, want: 1,
			certs: []certSpec{old, {id: 7, from: -400 * day, to: -day}, {id: 8, from: day, to: 90 * day}}},
		{name: "valid_now at not_after is expired", filters: []certificateFilter{validNowFilter()},
			certs: []certSpec{{id: 9, from: -day, to: 0}}, wantErr: []string{"filters exclude it", thumb(9), ": expired"}},
		{name: "valid_now at not_before is valid", filters: []certificateFilter{validNowFilter()}, want: 9,
			certs: []certSpec{{id: 9, from: 0, to: day}}},
		{name: "valid_now excludes all", filters: []certificateFilter{validNowFilter()},
			certs:   []certSpec{{id: 7, from: -400 * day, to: -day}, {id: 8, from: day, to: 90 * day}},
			wantErr: []string{"2 certificates match", "filters exclude all of them", thumb(7) + ".*: expired", thumb(8) + ".*not yet valid"}},
		{name: "server_authentication: serverAuth or no EKU", filters: []certificateFilter{serverAuthenticationFilter()}, mostRecent: true, want: 10,
			certs: []certSpec{old, {id: 10, from: -day, to: 30 * day}, {id: 11, from: 0, to: 30 * day, ekus: clientOnly}}},
		{name: "server_authentication excludes client-only", filters: []certificateFilter{serverAuthenticationFilter()},
			certs: []certSpec{{id: 11, from: 0, to: 30 * day, ekus: clientOnly}}, wantErr: []string{thumb(11) + ".*no server authentication EKU"}},
		{name: "has_private_key true: the key must open", filters: []certificateFilter{privateKeyFilter(true)}, mostRecent: true, want: 1,
			certs: []certSpec{old, {id: 12, from: 0, to: 90 * day, hasKey: true, keyOpens: &no}, {id: 13, from: 0, to: 90 * day}}},
		{name: "has_private_key true: reasons", filters: []certificateFilter{privateKeyFilter(true)},
			certs:   []certSpec{{id: 12, from: 0, to: 90 * day, hasKey: true, keyOpens: &no}, {id: 13, from: 0, to: 90 * day}},
			wantErr: []string{thumb(12) + ".*key does not open", thumb(13) + ".*no private key"}},
		{name: "has_private_key without key_opens reads the link", filters: []certificateFilter{privateKeyFilter(true)}, want: 14,
			certs: []certSpec{{id: 14, from: 0, to: 90 * day, hasKey: true}}},
		{name: "has_private_key false: only without", filters: []certificateFilter{privateKeyFilter(false)}, want: 13,
			certs: []certSpec{old, {id: 13, from: 0, to: 90 * day}}},
		{name: "issuer by CN or DN", filters: []certificateFilter{issuerFilter("example issuing ca")}, want: 1,
			certs: []certSpec{old, {id: 15, from: 0, to: 90 * day, issuer: "CN=Other CA"}}},
		{name: "issuer excludes", filters: []certificateFilter{issuerFilter("CN=Example Issuing CA, O=Example")},
			certs: []certSpec{{id: 15, from: 0, to: 90 * day, issuer: "CN=Other CA"}}, wantErr: []string{`issued by CN=Other CA, not "CN=Example Issuing CA, O=Example"`}},
		{name: "several reasons for one", filters: []certificateFilter{validNowFilter(), serverAuthenticationFilter(), privateKeyFilter(true)},
			certs: []certSpec{{id: 11, from: -90 * day, to: -day, ekus: clientOnly}}, wantErr: []string{"expired; no server authentication EKU; no private key"}},
		{name: "filters before most_recent: the newest usable", mostRecent: true, want: 1,
			filters: []certificateFilter{validNowFilter(), serverAuthenticationFilter(), privateKeyFilter(true)},
			certs:   []certSpec{old, {id: 12, from: 0, to: 90 * day, ekus: serverAuth, hasKey: true, keyOpens: &no}}},
		{name: "min_days_left met", certs: []certSpec{old, renewed}, mostRecent: true, minDays: minDays(89), want: 2},
		{name: "min_days_left refuses the newest, naming it", certs: []certSpec{old, renewed}, mostRecent: true, minDays: minDays(90),
			wantErr: []string{thumb(2), "CN=www.example.local", "expires 2026-08-29T12:00:00Z: 89 days left", "min_days_left = 90", "Renew it", "install the renewed certificate"}},
		{name: "min_days_left names an expired one", certs: []certSpec{{id: 7, from: -400 * day, to: -day}}, minDays: minDays(0),
			wantErr: []string{thumb(7), "expired 2026-05-31T12:00:00Z (-1 days left)"}},
		{name: "min_days_left does not fall back to an older one", mostRecent: true, minDays: minDays(60),
			certs:   []certSpec{{id: 1, from: -300 * day, to: 200 * day}, {id: 2, from: -day, to: 30 * day}},
			wantErr: []string{thumb(2), "30 days left"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var certs []windows.Certificate
			for _, s := range tt.certs {
				certs = append(certs, mk(s))
			}
			sel := certificateSelection{match: func(c windows.Certificate) bool { return dnsNameMatches(c.DNSNames, "www.example.local") },
				describe: `DNS name "www.example.local"`, filters: tt.filters, mostRecent: tt.mostRecent, minDaysLeft: tt.minDays}
			got, err := selectCertificate(certs, sel, "MY", now)
			if tt.wantErr == nil {
				if err != nil || got.Thumbprint != thumb(tt.want) {
					t.Fatalf("selectCertificate = %s, %v; want %s", got.Thumbprint, err, thumb(tt.want))
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; chose %s", got.Thumbprint)
			}
			for _, want := range tt.wantErr {
				if !regexp.MustCompile(`(?s)`+regexp.QuoteMeta(want)).MatchString(err.Error()) &&
					!regexp.MustCompile(`(?s)`+want).MatchString(err.Error()) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

// TestSelectionFromModel: the data source's attributes turn into the
// selection's filters, and unset ones add none.
func TestSelectionFromModel(t *testing.T) {
	base := certificateDataSourceModel{DNSName: types.StringValue("www.example.local")}
	sel, err := base.selection()
	if err != nil || len(sel.filters) != 0 || sel.mostRecent || sel.minDaysLeft != nil {
		t.Fatalf("no selectors: %+v, %v", sel, err)
	}
	all := base
	all.MostRecent, all.ValidNow, all.ServerAuthentication = types.BoolValue(true), types.BoolValue(true), types.BoolValue(true)
	all.HasPrivateKey, all.Issuer, all.MinDaysLeft = types.BoolValue(true), types.StringValue("Example CA"), types.Int64Value(30)
	sel, err = all.selection()
	if err != nil || len(sel.filters) != 4 || !sel.mostRecent || sel.minDaysLeft == nil || *sel.minDaysLeft != 30 {
		t.Fatalf("every selector: %+v, %v", sel, err)
	}
}

// TestDaysLeft: whole days, 0 on the last day, negative once expired.
func TestDaysLeft(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		notAfter time.Time
		want     int64
	}{
		{now.Add(48 * time.Hour), 2},
		{now.Add(47 * time.Hour), 1},
		{now.Add(time.Hour), 0},
		{now, 0},
		{now.Add(-time.Minute), -1},
		{now.Add(-25 * time.Hour), -2},
	} {
		if got := daysLeft(tt.notAfter, now); got != tt.want {
			t.Errorf("daysLeft(%s) = %d, want %d", tt.notAfter, got, tt.want)
		}
	}
}
