package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
	"unicode"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/label"
	"github.com/consenttrust/appverify/tlsinspect"
)

// status is a requirement's outcome in the report.
type status int

const (
	notAssessable status = iota
	met
	notMet
)

func (s status) String() string {
	switch s {
	case met:
		return "met"
	case notMet:
		return "not met"
	}
	return "not assessable"
}

// requirement is one of R1–R8 as judged from an assessment.
type requirement struct {
	ID       string // "R1"
	Title    string
	Level    string // "MUST" or "SHOULD"
	Status   status
	Evidence string
}

// requirementTitles are DOMAIN.md's requirements, in order.
var requirementTitles = []struct{ id, title, level string }{
	{"R1", "redirect URI served over HTTPS", "MUST"},
	{"R2", "port 443 only", "SHOULD"},
	{"R3", "TLS 1.2 or higher", "SHOULD"},
	{"R4", "valid, unexpired, publicly trusted, unrevoked certificate", "SHOULD"},
	{"R5", "OV or EV certificate rather than DV", "SHOULD"},
	{"R6", "cerner-client-id TXT record at the eTLD+1", "SHOULD"},
	{"R7", "app name aligns with its website or legal entity", "SHOULD"},
	{"R8", "native apps use claimed https redirect URIs", "SHOULD"},
}

// requirements judges R1–R8 from a's evidence, then lets the findings that
// name a requirement overrule a "met": a must or should finding for Rn means
// Rn is not met.
func requirements(a *appident.Assessment) []requirement {
	out := make([]requirement, 0, len(requirementTitles))
	for _, t := range requirementTitles {
		r := requirement{ID: t.id, Title: t.title, Level: t.level}
		r.Status, r.Evidence = judge(t.id, a)
		for _, f := range a.Findings {
			if f.Requirement != t.id {
				continue
			}
			switch {
			case f.Severity != label.Info && r.Status == met:
				r.Status = notMet
				r.Evidence = f.Message
			}
		}
		out = append(out, r)
	}
	return out
}

// judge returns a requirement's status and evidence from the assessment's
// evidence alone.
func judge(id string, a *appident.Assessment) (status, string) {
	site := a.Site
	dev := ""
	if site.Development != 0 {
		dev = "development redirect URI (" + site.Development.String() + ")"
	}
	tlsMissing := func() string {
		switch {
		case dev != "":
			return dev + ": not dialled"
		case a.TLSErr != nil:
			return "no TLS handshake completed: " + a.TLSErr.Error()
		}
		return "no TLS handshake was attempted"
	}
	r := a.TLS
	handshake := r != nil && r.VersionName != ""

	switch id {
	case "R1":
		if site.Scheme == "https" {
			return met, "the redirect URI uses https"
		}
		return notMet, fmt.Sprintf("the redirect URI uses %s, not https", site.Scheme)
	case "R2":
		if site.Port == 443 {
			return met, "the redirect URI uses port 443"
		}
		return notMet, fmt.Sprintf("the redirect URI uses port %d", site.Port)
	case "R3":
		if !handshake {
			return notAssessable, tlsMissing()
		}
		if r.Version >= tls.VersionTLS12 {
			return met, r.VersionName + " negotiated"
		}
		return notMet, r.VersionName + " negotiated; TLS 1.0 and 1.1 are retired (RFC 8996)"
	case "R4":
		if !handshake {
			return notAssessable, tlsMissing()
		}
		var problems []string
		if r.SelfSigned {
			problems = append(problems, "self-signed")
		} else if !r.Trusted {
			p := "not trusted"
			if r.TrustError != "" {
				p += ": " + r.TrustError
			}
			problems = append(problems, p)
		}
		if r.Expired {
			problems = append(problems, "expired on "+day(r.NotAfter))
		}
		if r.NotYetValid {
			problems = append(problems, "not valid before "+day(r.NotBefore))
		}
		if !r.HostnameMatch {
			problems = append(problems, "not valid for "+site.Host)
		}
		if r.Revocation == tlsinspect.RevocationRevoked {
			problems = append(problems, "revoked")
		}
		if len(problems) > 0 {
			return notMet, "certificate " + strings.Join(problems, "; ")
		}
		ev := fmt.Sprintf("trusted, valid until %s, revocation %v", day(r.NotAfter), r.Revocation)
		if r.RevocationSource != "" {
			ev += " (" + r.RevocationSource + ")"
		}
		return met, ev
	case "R5":
		if !handshake {
			return notAssessable, tlsMissing()
		}
		if r.CDN {
			ev := fmt.Sprintf("the %v certificate served is a CDN's, not the app's", r.Type)
			if r.CDNReason != "" {
				ev += " (" + r.CDNReason + ")"
			}
			return notMet, ev
		}
		switch r.Type {
		case tlsinspect.OV, tlsinspect.EV:
			return met, fmt.Sprintf("%v certificate for %q", r.Type, r.Organization)
		}
		return notMet, fmt.Sprintf("%v certificate: it names no organization", r.Type)
	case "R6":
		d := a.DNS
		if d == nil {
			if dev != "" {
				return notAssessable, dev + ": not looked up"
			}
			return notAssessable, "no TXT lookup was made"
		}
		switch d.Status {
		case dnsverify.StatusVerified:
			return met, fmt.Sprintf("%s carries cerner-client-id=%s", d.Name, a.ClientID)
		case dnsverify.StatusNotFound:
			return notMet, fmt.Sprintf("no cerner-client-id TXT record at %s", d.Name)
		case dnsverify.StatusMismatch:
			return notMet, fmt.Sprintf("%s carries cerner-client-id records for %s only", d.Name, strings.Join(d.Found, ", "))
		}
		ev := "the TXT lookup at " + d.Name + " failed"
		if d.Err != nil {
			ev += ": " + d.Err.Error()
		}
		return notAssessable, ev
	case "R7":
		// package label's R7 rule compares the name with the organization
		// and the domain; its name.misaligned finding overrules this "met"
		// in requirements, and name.missing says why it was not assessable.
		org := "the domain " + site.DisplayDomain
		if r != nil && r.Organization != "" {
			org = fmt.Sprintf("%q or %s", r.Organization, org)
		}
		for _, f := range a.Findings {
			if f.Requirement == "R7" && f.Severity == label.Info {
				return notAssessable, f.Message
			}
		}
		return met, fmt.Sprintf("the name shares a word with %s", org)
	case "R8":
		if site.Scheme == "https" {
			return met, "an https redirect URI (for a native app, claimed per RFC 8252 §7.2)"
		}
		return notMet, fmt.Sprintf("a %s redirect URI is not a claimed https URI", site.Scheme)
	}
	return notAssessable, ""
}

// fixes returns what the developer should do, concretely, most important
// first. dnsServers are the -dns servers, to show in the dig command.
func fixes(a *appident.Assessment, dnsServers []string) []string {
	var out []string
	site := a.Site
	if site.Development != 0 {
		reason := site.Development.String()
		if reason == "" {
			reason = "a development target"
		}
		out = append(out, fmt.Sprintf("This redirect URI is %s: it cannot be assessed and patients see only %q.\n"+
			"Check the production https redirect URI (port 443, a public host name) to see what patients will see.", reason, a.Display.Domain))
		return out
	}
	if site.Scheme != "https" {
		out = append(out, "Serve the redirect URI over https (R1).")
	}
	if site.Port != 443 {
		out = append(out, fmt.Sprintf("Serve the redirect URI on port 443, not %d (R2).", site.Port))
	}
	if d := a.DNS; d != nil && site.ETLDPlusOne != "" {
		record := fmt.Sprintf("%s. TXT \"cerner-client-id=%s\"", d.Name, a.ClientID)
		dig := "dig +short TXT " + d.Name
		if len(dnsServers) > 0 {
			host, port, _ := net.SplitHostPort(dnsServers[0])
			dig = "dig @" + host
			if port != "53" {
				dig += " -p " + port
			}
			dig += " +short TXT " + d.Name
		}
		where := d.Name
		if site.Host != d.Name {
			where = fmt.Sprintf("%s (the eTLD+1 of %s, not the host itself)", d.Name, site.Host)
		}
		switch d.Status {
		case dnsverify.StatusNotFound:
			out = append(out, fmt.Sprintf("Add a TXT record at %s (R6):\n    %s\nthen check it with:\n    %s", where, record, dig))
		case dnsverify.StatusMismatch:
			out = append(out, fmt.Sprintf("The cerner-client-id records at %s name other client ids (%s). Keep them and add one for this app (R6):\n    %s\nthen check it with:\n    %s",
				where, strings.Join(d.Found, ", "), record, dig))
		case dnsverify.StatusError:
			out = append(out, fmt.Sprintf("The TXT lookup at %s failed: make sure its name servers answer TXT queries over UDP and TCP, and that it carries (R6):\n    %s\nthen check it with:\n    %s", d.Name, record, dig))
		}
	}
	r := a.TLS
	if r == nil || r.VersionName == "" {
		switch {
		case errors.Is(a.TLSErr, appident.ErrRefused):
			// Not the app's handshake: this checker would not dial there.
			out = append(out, fmt.Sprintf("Publish %s at a public address: the checker refused to connect (%s). Patients' browsers reach the redirect URI over the internet, so its host must not resolve to a loopback, private or other special-purpose address.", site.Host, a.TLSErr))
		case a.TLSErr != nil:
			out = append(out, fmt.Sprintf("Make https://%s/ answer a TLS handshake (R3-R5): %s", net.JoinHostPort(site.Host, fmt.Sprint(site.Port)), a.TLSErr))
		}
		return out
	}
	if r.Version < tls.VersionTLS12 {
		out = append(out, fmt.Sprintf("Enable TLS 1.2 and 1.3 on %s and disable TLS 1.0 and 1.1 (R3).", site.Host))
	}
	switch {
	case r.SelfSigned:
		out = append(out, fmt.Sprintf("Replace the self-signed certificate on %s with an OV or EV certificate from a publicly trusted CA (R4, R5).", site.Host))
	case !r.Trusted:
		out = append(out, fmt.Sprintf("Serve a certificate chain for %s that leads to a publicly trusted CA, intermediates included (R4).", site.Host))
	}
	if r.Expired {
		out = append(out, fmt.Sprintf("Renew the certificate for %s: it expired on %s (R4).", site.Host, day(r.NotAfter)))
	}
	if r.Revocation == tlsinspect.RevocationRevoked {
		out = append(out, fmt.Sprintf("The certificate for %s was revoked: get and install a new one (R4).", site.Host))
	}
	if !r.HostnameMatch {
		out = append(out, fmt.Sprintf("Get a certificate whose subject alternative names include %s (R4).", site.Host))
	}
	switch {
	case r.CDN:
		out = append(out, fmt.Sprintf("The certificate served for %s is your CDN's: upload your own OV or EV certificate to the CDN for this host, so patients see your organization, not the CDN's (R5).", site.Host))
	case r.Type != tlsinspect.OV && r.Type != tlsinspect.EV && !r.SelfSigned:
		out = append(out, fmt.Sprintf("Get an OV (organization validated) or EV certificate for %s: a %v certificate names no organization, so patients cannot see who you are (R5).", site.Host, r.Type))
	}
	return out
}

// reporter writes the human report.
type reporter struct {
	w          io.Writer
	color      bool
	dnsServers []string
	persona    label.Persona
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
)

func (p *reporter) paint(code, s string) string {
	if !p.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (p *reporter) printf(format string, args ...any) {
	fmt.Fprintf(p.w, format, args...)
}

// report writes a's human report: the consent card, R1–R8, what to fix.
func (p *reporter) report(a *appident.Assessment) {
	d := a.Display
	p.printf("%s\n", p.paint(ansiBold, "What the patient sees"))
	show := func(name, v string) {
		if v == "" {
			v = p.paint(ansiDim, "(not shown)")
		} else {
			v = clean(v)
		}
		p.printf("  %-14s %s\n", name, v)
	}
	show("App name", d.AppName)
	show("Organization", d.Organization)
	show("Location", d.Location)
	show("Domain", d.Domain)
	var labels []string
	for _, l := range d.Labels {
		switch l {
		case label.UnknownApp:
			labels = append(labels, p.paint(ansiRed+ansiBold, "["+l+"]"))
		case label.Validated:
			labels = append(labels, p.paint(ansiGreen+ansiBold, "["+l+"]"))
		default:
			labels = append(labels, "["+clean(l)+"]")
		}
	}
	if len(labels) == 0 {
		labels = []string{p.paint(ansiDim, "(none)")}
	}
	p.printf("  %-14s %s\n", "Labels", strings.Join(labels, " "))
	if a.Described {
		p.printf("  %s\n", p.paint(ansiGreen, "Described in full."))
	} else {
		p.printf("  %s\n", p.paint(ansiRed, "Shown as \"Unknown App\": only the domain is shown."))
	}

	p.printf("\n%s", p.paint(ansiBold, "Requirements"))
	if p.persona != label.Patient {
		p.printf(" (%v app: recommendations)", p.persona)
	}
	p.printf("\n")
	for _, r := range requirements(a) {
		st := fmt.Sprintf("%-15s", r.Status)
		switch r.Status {
		case met:
			st = p.paint(ansiGreen, st)
		case notMet:
			st = p.paint(ansiRed, st)
		default:
			st = p.paint(ansiYellow, st)
		}
		p.printf("  %s  %-6s  %s %s\n", r.ID, r.Level, st, r.Title)
		p.printf("  %28s%s\n", "", clean(r.Evidence))
	}

	p.printf("\n%s\n", p.paint(ansiBold, "What to fix"))
	fx := fixes(a, p.dnsServers)
	if len(fx) == 0 {
		p.printf("  Nothing: patients see this app described in full.\n")
	}
	for i, f := range fx {
		lines := strings.Split(f, "\n")
		p.printf("  %d. %s\n", i+1, clean(lines[0]))
		for _, l := range lines[1:] {
			p.printf("     %s\n", clean(l))
		}
	}

	if len(a.Findings) > 0 {
		p.printf("\n%s\n", p.paint(ansiBold, "Findings"))
		for _, f := range a.Findings {
			sev := fmt.Sprintf("%v", f.Severity)
			switch f.Severity {
			case label.Must:
				sev = p.paint(ansiRed, sev)
			case label.Should:
				sev = p.paint(ansiYellow, sev)
			}
			req := ""
			if f.Requirement != "" {
				req = " " + f.Requirement
			}
			p.printf("  %s%s %s: %s\n", sev, req, clean(f.Code), clean(f.Message))
		}
	}
}

// day formats t as a date.
func day(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.UTC().Format(time.DateOnly)
}

// clean makes s safe to print on a terminal: control characters (escape
// sequences), bidi controls and other invisible format characters are
// dropped. Strings in a report come from certificates, DNS and URIs that
// third parties wrote.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}
