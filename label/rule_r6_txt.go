package label

import (
	"context"
	"errors"
	"strings"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/internal/code"
)

// txtRule checks R6: a TXT record "cerner-client-id=<client id>" at the
// eTLD+1 of the redirect URI proves that the site hosts this app.
type txtRule struct{}

func (txtRule) Meta() Meta {
	return Meta{
		Name:        "r6_txt",
		Requirement: "R6",
		Citation:    `The site SHOULD publish a DNS TXT record "cerner-client-id=<client id>" at the eTLD+1 of the primary redirect URI.`,
		Source:      "Registration prerequisites; draft-ietf-dnsop-domain-verification-techniques",
	}
}

func (txtRule) Check(ev Evidence) Result {
	site := siteName(ev)
	if ev.DNS == nil {
		sev := Should
		detail := "the TXT record at " + site + " was not looked up"
		if ev.Site.Development != 0 {
			sev = Info
			detail += ": a development target"
		}
		return Result{Status: NotAssessable, Detail: detail, Findings: []Finding{{Code: code.DNSNotAssessed, Severity: sev, Withholds: true,
			Message: "the TXT record at " + site + " was not looked up; nothing proves the site hosts this app"}}}
	}
	d := ev.DNS
	want := ev.ClientID
	if want == "" {
		want = d.Want
	}
	name := strings.TrimSuffix(d.Name, ".")
	if name == "" {
		name = site
	}
	record := quote("cerner-client-id=" + want)
	fix := "add a TXT record at " + name + ": " + record
	if e := ev.Site.ETLDPlusOne; e != "" && d.Name != "" && !strings.EqualFold(strings.TrimSuffix(e, "."), name) {
		return Result{Status: NotAssessable, Detail: "the TXT record was looked up at " + quote(name) + ", not at the site's eTLD+1 " + quote(e),
			Fix: "add a TXT record at " + e + ": " + record,
			Findings: []Finding{should(code.DNSWrongName, true,
				"the TXT record was looked up at "+quote(name)+", not at the site's eTLD+1 "+quote(e)+"; add a TXT record at "+e+": "+record)}}
	}
	if ev.ClientID != "" && d.Want != ev.ClientID {
		return Result{Status: NotAssessable, Detail: "the TXT lookup checked client id " + quote(d.Want) + ", not this app's " + quote(ev.ClientID), Fix: fix,
			Findings: []Finding{should(code.DNSWrongClientID, true,
				"the TXT lookup checked client id "+quote(d.Want)+", not this app's "+quote(ev.ClientID)+"; "+fix)}}
	}
	switch d.Status {
	case dnsverify.StatusVerified:
		if want == "" {
			return Result{Status: NotAssessable, Detail: "the TXT lookup at " + name + " checked an empty client id",
				Findings: []Finding{should(code.DNSTXTMismatch, true, "the TXT lookup at "+name+" checked an empty client id")}}
		}
		return Result{Status: Met, Detail: name + " carries " + record}
	case dnsverify.StatusNotFound:
		return Result{Status: NotMet, Detail: "there is no cerner-client-id TXT record at " + name, Fix: fix,
			Findings: []Finding{should(code.DNSTXTMissing, true, fix+" (there is no cerner-client-id record there)")}}
	case dnsverify.StatusMismatch:
		msg, detail := fix, "the cerner-client-id records at "+name+" carry other ids"
		if len(d.Found) > 0 {
			msg += " (the cerner-client-id records there carry " + foundList(d.Found) + ", not this app's id)"
			detail = "the cerner-client-id records at " + name + " carry " + foundList(d.Found) + " only"
		} else {
			msg += " (the cerner-client-id records there carry other ids)"
		}
		return Result{Status: NotMet, Detail: detail, Fix: fix + ", keeping the others",
			Findings: []Finding{should(code.DNSTXTMismatch, true, msg)}}
	}
	msg := "the TXT lookup at " + name + " failed"
	if d.Err != nil {
		msg += ": " + bound(d.Err.Error(), 300)
	}
	msg += "; make sure the domain's name servers answer TXT queries (over UDP and TCP), then publish " + record
	return Result{Status: NotAssessable, Detail: "the TXT lookup at " + name + " failed: " + dnsFailure(d.Err),
		Fix:      "make sure the name servers of " + name + " answer TXT queries over UDP and TCP, and publish " + record,
		Findings: []Finding{should(code.DNSLookupFailed, true, msg)}}
}

// dnsFailure says in words why a lookup failed, without the error's chain
// (which the finding carries).
func dnsFailure(err error) string {
	var le *dnsverify.LookupError
	if !errors.As(err, &le) {
		if errors.Is(err, context.DeadlineExceeded) {
			return "no answer in time"
		}
		return "no usable answer"
	}
	var what string
	switch le.Kind {
	case dnsverify.KindTimeout:
		what = "no answer in time"
	case dnsverify.KindServFail:
		what = "the server answered SERVFAIL"
	case dnsverify.KindRefused:
		what = "the server refused the query"
	case dnsverify.KindRcode:
		what = "the server answered with an error"
	case dnsverify.KindMalformed:
		what = "the answer was malformed or too large"
	case dnsverify.KindCanceled:
		what = "the lookup was canceled"
	case dnsverify.KindUnreachable:
		what = "no DNS server answered"
		if len(le.Servers) > 0 {
			what += " (asked " + strings.Join(le.Servers, ", ") + ")"
		}
		return what
	case dnsverify.KindInvalidName:
		what = "the name is not a domain name"
	default:
		what = "no usable answer"
	}
	if le.Server != "" {
		what += " from " + le.Server
	}
	return what
}

// foundList quotes up to five ids for a message.
func foundList(ids []string) string {
	var b strings.Builder
	for i, id := range ids {
		if i == 5 {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(id))
	}
	return b.String()
}
