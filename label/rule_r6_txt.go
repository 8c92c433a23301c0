package label

import (
	"strings"

	"github.com/consenttrust/appverify/dnsverify"
)

// txtRule checks R6: a TXT record "cerner-client-id=<client id>" at the
// eTLD+1 of the redirect URI proves that the site hosts this app.
type txtRule struct{}

func (txtRule) Meta() Meta {
	return Meta{
		Name:        "r6_txt",
		Code:        "dns",
		Requirement: "R6",
		Level:       Should,
		Citation:    `The site SHOULD publish a DNS TXT record "cerner-client-id=<client id>" at the eTLD+1 of the primary redirect URI.`,
		Source:      "Registration prerequisites; draft-ietf-dnsop-domain-verification-techniques",
	}
}

func (txtRule) Check(ev Evidence) []Finding {
	site := siteName(ev)
	if ev.DNS == nil {
		sev := Should
		if ev.Site.Development != 0 {
			sev = Info
		}
		return []Finding{{Code: "dns.not_assessed", Severity: sev, Requirement: "R6", Withholds: true,
			Message: "the TXT record at " + site + " was not looked up; nothing proves the site hosts this app"}}
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
	if e := ev.Site.ETLDPlusOne; e != "" && d.Name != "" && !strings.EqualFold(strings.TrimSuffix(e, "."), name) {
		return []Finding{should("dns.wrong_name", "R6", true,
			"the TXT record was looked up at "+quote(name)+", not at the site's eTLD+1 "+quote(e)+"; add a TXT record at "+e+": "+quote("cerner-client-id="+want))}
	}
	if ev.ClientID != "" && d.Want != ev.ClientID {
		return []Finding{should("dns.wrong_client_id", "R6", true,
			"the TXT lookup checked client id "+quote(d.Want)+", not this app's "+quote(ev.ClientID)+"; add a TXT record at "+name+": "+quote("cerner-client-id="+want))}
	}
	switch d.Status {
	case dnsverify.StatusVerified:
		if want == "" {
			return []Finding{should("dns.txt_mismatch", "R6", true, "the TXT lookup at "+name+" checked an empty client id")}
		}
		return nil
	case dnsverify.StatusNotFound:
		return []Finding{should("dns.txt_missing", "R6", true,
			"add a TXT record at "+name+": "+quote("cerner-client-id="+want)+" (there is no cerner-client-id record there)")}
	case dnsverify.StatusMismatch:
		msg := "add a TXT record at " + name + ": " + quote("cerner-client-id="+want)
		if len(d.Found) > 0 {
			msg += " (the cerner-client-id records there carry " + foundList(d.Found) + ", not this app's id)"
		} else {
			msg += " (the cerner-client-id records there carry other ids)"
		}
		return []Finding{should("dns.txt_mismatch", "R6", true, msg)}
	}
	msg := "the TXT lookup at " + name + " failed"
	if d.Err != nil {
		msg += ": " + bound(d.Err.Error(), 300)
	}
	msg += "; make sure the domain's name servers answer TXT queries (over UDP and TCP), then publish " + quote("cerner-client-id="+want)
	return []Finding{should("dns.lookup_failed", "R6", true, msg)}
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
