package etld_test

import (
	"errors"
	"fmt"

	"github.com/consenttrust/appverify/etld"
)

func ExampleETLDPlusOne() {
	for _, host := range []string{
		"www.example.co.uk",
		"WWW.Bücher.DE.",
		"my-project.github.io",
		"a.b.c.kobe.jp",
	} {
		site, err := etld.ETLDPlusOne(host)
		fmt.Printf("%-22s %s %v\n", host, site, err)
	}
	_, err := etld.ETLDPlusOne("co.uk")
	fmt.Println(errors.Is(err, etld.ErrPublicSuffix), err)
	// Output:
	// www.example.co.uk      example.co.uk <nil>
	// WWW.Bücher.DE.         xn--bcher-kva.de <nil>
	// my-project.github.io   my-project.github.io <nil>
	// a.b.c.kobe.jp          b.c.kobe.jp <nil>
	// true etld: host "co.uk" is itself a public suffix: it has no registrable domain
}

// The ICANN-only reading of the list ignores its private section, as the
// platform's published example does: my-project.github.io belongs to github.io.
func ExampleParser_ETLDPlusOne_icannOnly() {
	full := etld.Parser{}
	icann := etld.Parser{Mode: etld.ICANNOnly}
	for _, host := range []string{"my-project.github.io", "www.example.co.uk"} {
		f, _ := full.ETLDPlusOne(host)
		i, _ := icann.ETLDPlusOne(host)
		fmt.Printf("%s: full %s, icann-only %s\n", host, f, i)
	}
	// Output:
	// my-project.github.io: full my-project.github.io, icann-only github.io
	// www.example.co.uk: full example.co.uk, icann-only example.co.uk
}

func ExampleParse() {
	site, err := etld.Parse("https://login.Bücher.de/oauth2/callback")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("host:          ", site.Host)
	fmt.Println("port:          ", site.Port)
	fmt.Println("public suffix: ", site.PublicSuffix, "ICANN:", site.ICANN)
	fmt.Println("eTLD+1:        ", site.ETLDPlusOne)
	fmt.Println("shown as:      ", site.DisplayDomain)
	fmt.Println("TXT record at: ", site.ETLDPlusOne)
	fmt.Println("development:   ", site.Development != 0)
	// Output:
	// host:           login.xn--bcher-kva.de
	// port:           443
	// public suffix:  de ICANN: true
	// eTLD+1:         xn--bcher-kva.de
	// shown as:       bücher.de
	// TXT record at:  xn--bcher-kva.de
	// development:    false
}

// A development target parses, and says why it cannot be assessed.
func ExampleParse_development() {
	for _, uri := range []string{
		"http://localhost:8080/callback",
		"https://127.0.0.1/callback",
		"https://app.test/callback",
	} {
		site, err := etld.Parse(uri)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: %s; localhost: %v\n", site.DisplayDomain, site.Development, site.Development&etld.DevLocalhost != 0)
	}
	// Output:
	// localhost: the host names the local machine (RFC 6761 §6.3); the scheme is http: a redirect URI must use https; the port is not 443: only port 443 can be assessed; localhost: true
	// 127.0.0.1: the host is an IP address, not a domain name; localhost: false
	// app.test: the host is under a name reserved for tests, documentation or private networks; localhost: false
}

func ExampleParse_errors() {
	for _, uri := range []string{
		"https://good.example@evil.example/",
		"com.example.app:/oauth2redirect",
		"https://app.example.com/callback#state",
	} {
		_, err := etld.Parse(uri)
		var pe *etld.Error
		if errors.As(err, &pe) {
			fmt.Println(pe.Reason, errors.Is(err, etld.ErrPrivateScheme))
		}
	}
	// Output:
	// userinfo false
	// private-scheme true
	// fragment false
}

// Lookalike labels are shown as A-labels.
func ExampleDisplayDomain() {
	fmt.Println(etld.DisplayDomain("xn--bcher-kva.de"))
	fmt.Println(etld.DisplayDomain("xn--80ak6aa92e.com")) // Cyrillic "аррӏе"
	fmt.Println(etld.DisplayDomain("xn--80ak6aa92e.xn--p1ai"))
	fmt.Println(etld.DisplayDomain("xn--googl-fsa.com")) // "googlé" reads as google.com
	// Output:
	// bücher.de
	// xn--80ak6aa92e.com
	// аррӏе.рф
	// xn--googl-fsa.com
}
