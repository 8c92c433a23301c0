// Package appverify decides what a patient is told about a third-party app on
// an OAuth consent screen.
//
// An EHR platform lets apps ask patients for their health records over OAuth 2
// and SMART on FHIR. On the consent screen the patient must be able to tell who
// they are handing their data to. The platform's registration guidance says how
// an app earns a fuller description than its bare domain: serve the redirect URI
// over HTTPS on port 443 with TLS 1.2 or later, from a publicly trusted,
// unrevoked OV or EV certificate naming the legal entity, and prove the site
// hosts the app with a DNS TXT record "cerner-client-id=<client id>" at the
// site's registrable domain (eTLD+1).
//
// This module computes that description from public evidence. Evidence flows
// from a redirect URI to what the patient sees like this:
//
//	redirect URI ──etld.Parse──▶ Site (host, port, eTLD+1, development?)
//	     │
//	     ├──dnsverify.Verifier──▶ TXT record at the eTLD+1: verified / not found / mismatch / error
//	     ├──tlsinspect.Inspector─▶ certificate: OV/EV/DV, organization, trust, dates, revocation
//	     ▼
//	label.Policy.Decide ──▶ Display: app name, organization, location, domain, labels
//
// Which package to import:
//
//   - appident: the one entry point for an authorization server. A Checker
//     gathers the evidence concurrently, behind an egress guard, with a 12-hour
//     cache, and returns an Assessment holding the Display and the findings.
//   - appident/appidenttest: an offline world (DNS, CA, TLS, OCSP and CRL
//     servers on loopback) for testing an integration.
//   - etld: the site a redirect URI lives on, from the Public Suffix List.
//   - dnsverify: the cerner-client-id TXT record, parsed and looked up.
//   - tlsinspect: the certificate the redirect host serves, classified and judged.
//   - label: the pure decision from evidence to what the patient sees.
//
// The programs under examples/ show it at work: appcheck tells an app developer
// what patients will see and what to fix, demo runs every outcome offline, and
// consent embeds a Checker in a consent page.
package appverify
