// Package samples is the list of sample apps that examples/demo assesses and
// examples/consent serves, with the world each needs (its certificate, its
// TXT records) and what a patient should see about it.
package samples

import (
	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/label"
)

// CertKind is the certificate a sample's redirect host serves.
type CertKind int

const (
	// OV is a valid organization-validated certificate from the test CA.
	OV CertKind = iota
	// EV is a valid extended-validation certificate.
	EV
	// DV is a valid domain-validated certificate: no organization.
	DV
	// SelfSigned is an OV-looking certificate that signs itself.
	SelfSigned
	// Expired is an OV certificate past its NotAfter.
	Expired
	// Revoked is an OV certificate its CA has revoked (on the CRL and OCSP).
	Revoked
	// CDN is a CDN's own certificate (O=Cloudflare, Inc.) served for the
	// app's host.
	CDN
	// None means nothing is dialled (a development redirect URI).
	None
)

func (k CertKind) String() string {
	switch k {
	case OV:
		return "OV"
	case EV:
		return "EV"
	case DV:
		return "DV"
	case SelfSigned:
		return "self-signed"
	case Expired:
		return "expired"
	case Revoked:
		return "revoked"
	case CDN:
		return "CDN"
	}
	return "none"
}

// Subject is the certificate subject's organization and location.
type Subject struct {
	Organization, Country, State, Locality string
}

// Want is what the patient should see.
type Want struct {
	// Described reports that the app is described in full.
	Described bool
	// Labels are the labels shown, in order.
	Labels []string
	// Organization reports that the certificate's organization (sanitized)
	// is shown.
	Organization bool
}

// Sample is one sample app and its world.
type Sample struct {
	// Key is a short name ("ov", "no-txt").
	Key string
	// Title says what the sample shows.
	Title string
	App   appident.App
	// Cert is the certificate its redirect host serves, with Subject.
	Cert    CertKind
	Subject Subject
	// TXT are the TXT records at the redirect URI's eTLD+1, each a list of
	// character-strings; nil for none.
	TXT  [][]string
	Want Want
}

// HostileOrganization is the organization of the "hostile" sample: markup and
// a right-to-left override that must reach the patient inert.
const HostileOrganization = "<script>alert(1)</script> Evil\u202eHealth, Inc."

func txt(clientID string) [][]string {
	return [][]string{{"cerner-client-id=" + clientID}}
}

var examplehealth = Subject{"Example Health, Inc.", "US", "MO", "Kansas City"}

// All returns the sample apps, in the order they are shown.
func All() []Sample {
	return []Sample{
		{
			Key: "ov", Title: "OV certificate and TXT record: described in full",
			App: appident.App{
				ClientID: "7c1e4f0a-3b2d-4e8f-9a61-0d5c2b7e8f13", Name: "Example Health Portal",
				RedirectURIs: []string{"https://app.examplehealth.com/callback"},
			},
			Cert: OV, Subject: examplehealth,
			TXT: [][]string{
				{"v=spf1 include:_spf.examplehealth.com ~all"},
				{"cerner-client-id=7c1e4f0a-3b2d-4e8f-9a61-0d5c2b7e8f13"},
			},
			Want: Want{Described: true, Labels: []string{}, Organization: true},
		},
		{
			Key: "ev", Title: "EV certificate and TXT record: described in full",
			App: appident.App{
				ClientID: "b3f0c2d1-77aa-4c19-8e2b-5f6a9d0c4e21", Name: "Riverbend Care Companion",
				RedirectURIs: []string{"https://care.riverbendclinic.org/oauth/cb"},
			},
			Cert: EV, Subject: Subject{"Riverbend Clinic Foundation", "US", "OR", "Portland"},
			TXT:  txt("b3f0c2d1-77aa-4c19-8e2b-5f6a9d0c4e21"),
			Want: Want{Described: true, Labels: []string{}, Organization: true},
		},
		{
			Key: "validated", Title: "OV, TXT record and the platform's validation: Validated",
			App: appident.App{
				ClientID: "e91d2c4b-0f3a-4b7e-a5c8-6d2f1e9b3a70", Name: "MedMinder",
				RedirectURIs: []string{"https://login.medminder.net/cb"}, Validated: true,
			},
			Cert: OV, Subject: Subject{"MedMinder GmbH", "DE", "Berlin", "Berlin"},
			// Two ids sharing one record, one per line.
			TXT:  [][]string{{"cerner-client-id=0aa1bb2c-staging\ncerner-client-id=e91d2c4b-0f3a-4b7e-a5c8-6d2f1e9b3a70"}},
			Want: Want{Described: true, Labels: []string{label.Validated}, Organization: true},
		},
		{
			Key: "dv", Title: "DV certificate: names no organization",
			App: appident.App{
				ClientID: "4d8a1f6e-2c9b-4e3d-8f7a-1b0c5e2d9a64", Name: "StepTrack",
				RedirectURIs: []string{"https://steptrack.io/auth/callback"},
			},
			Cert: DV,
			TXT:  txt("4d8a1f6e-2c9b-4e3d-8f7a-1b0c5e2d9a64"),
			Want: Want{Labels: []string{label.UnknownApp}},
		},
		{
			Key: "no-txt", Title: "OV certificate, no TXT record",
			App: appident.App{
				ClientID: "a5c7e9f1-3d2b-4a6c-9e8d-7f0b1c2d3e45", Name: "Lakeside Labs Results",
				RedirectURIs: []string{"https://results.lakesidelabs.com/cb"},
			},
			Cert: OV, Subject: Subject{"Lakeside Laboratories LLC", "US", "MN", "Duluth"},
			TXT:  [][]string{{"google-site-verification=7xQ3bZ1kYhV0"}},
			Want: Want{Labels: []string{label.UnknownApp}},
		},
		{
			Key: "wrong-id", Title: "OV certificate, TXT record for someone else's client id",
			App: appident.App{
				ClientID: "f2e4d6c8-1a3b-4c5d-8e7f-9a0b1c2d3e4f", Name: "Copycat Health",
				RedirectURIs: []string{"https://app.northwind-health.com/callback"},
			},
			Cert: OV, Subject: Subject{"Northwind Health Co.", "US", "WA", "Seattle"},
			TXT:  txt("11111111-2222-4333-8444-555555555555"),
			Want: Want{Labels: []string{label.UnknownApp}},
		},
		{
			Key: "self-signed", Title: "self-signed certificate",
			App: appident.App{
				ClientID: "c0ffee00-1234-4abc-8def-00000000c0de", Name: "HomeBrew Vitals",
				RedirectURIs: []string{"https://vitals.homebrewhealth.com/cb"},
			},
			Cert: SelfSigned, Subject: Subject{"HomeBrew Health", "US", "TX", "Austin"},
			TXT:  txt("c0ffee00-1234-4abc-8def-00000000c0de"),
			Want: Want{Labels: []string{label.UnknownApp}},
		},
		{
			Key: "expired", Title: "expired OV certificate",
			App: appident.App{
				ClientID: "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6", Name: "Sunset Pharmacy",
				RedirectURIs: []string{"https://rx.sunsetpharmacy.com/oauth"},
			},
			Cert: Expired, Subject: Subject{"Sunset Pharmacy Inc.", "US", "AZ", "Phoenix"},
			TXT:  txt("0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"),
			Want: Want{Labels: []string{label.UnknownApp}},
		},
		{
			Key: "revoked", Title: "revoked OV certificate",
			App: appident.App{
				ClientID: "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a", Name: "Oldtown Clinic",
				RedirectURIs: []string{"https://patients.oldtownclinic.com/cb"},
			},
			Cert: Revoked, Subject: Subject{"Oldtown Clinic PC", "US", "ME", "Portland"},
			TXT:  txt("9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a"),
			Want: Want{Labels: []string{label.UnknownApp}},
		},
		{
			Key: "cdn", Title: "a CDN's certificate (Cloudflare's): the CDN is not the app's organization",
			App: appident.App{
				ClientID: "5b6c7d8e-9f01-4a2b-8c3d-4e5f6a7b8c9d", Name: "FitPulse",
				RedirectURIs: []string{"https://app.fitpulse.co/cb"},
			},
			Cert: CDN,
			TXT:  txt("5b6c7d8e-9f01-4a2b-8c3d-4e5f6a7b8c9d"),
			Want: Want{Labels: []string{label.UnknownApp}},
		},
		{
			Key: "development", Title: "development redirect URI: cannot be assessed",
			App: appident.App{
				ClientID: "dev-0001", Name: "My Test App",
				RedirectURIs: []string{"http://localhost:8080/cb"},
			},
			Cert: None,
			Want: Want{Labels: []string{label.UnknownApp}},
		},
		{
			Key: "hostile", Title: "an organization name with markup and a bidi override: shown inert",
			App: appident.App{
				ClientID: "3a4b5c6d-7e8f-4091-a2b3-c4d5e6f70819", Name: "Evil Health",
				RedirectURIs: []string{"https://app.evilhealth.net/cb"},
			},
			Cert: OV, Subject: Subject{HostileOrganization, "US", "NV", "Las Vegas"},
			TXT:  txt("3a4b5c6d-7e8f-4091-a2b3-c4d5e6f70819"),
			Want: Want{Described: true, Labels: []string{}, Organization: true},
		},
	}
}

// ByKey returns the sample with key, and whether there is one.
func ByKey(key string) (Sample, bool) {
	for _, s := range All() {
		if s.Key == key {
			return s, true
		}
	}
	return Sample{}, false
}
