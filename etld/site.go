package etld

// Mode selects which sections of the Public Suffix List count as public suffixes.
type Mode int

const (
	// Full uses the ICANN and the private sections of the list, as browsers do
	// for "site": my-project.github.io is its own site. It is the default.
	Full Mode = iota
	// ICANNOnly uses the ICANN section only: my-project.github.io belongs to
	// github.io, as in the platform's published example.
	ICANNOnly
)

// Site is the site a redirect URI lives on.
type Site struct {
	// Scheme is "https" or "http", lowercase.
	Scheme string
	// Host is the redirect URI's host in lowercase ASCII (A-labels), without
	// a trailing dot. IPv6 literals are given without brackets.
	Host string
	// Port is the effective port: the explicit one, else 443 for https and 80 for http.
	Port int
	// PublicSuffix is the public suffix of Host ("com", "co.uk", "github.io")
	// under the Parser's Mode; a single label is its own. Empty for IP literals.
	PublicSuffix string
	// ETLDPlusOne is the registrable domain: the public suffix plus one label.
	// Empty for development targets that have none (IP literals, single labels).
	ETLDPlusOne string
	// ICANN reports whether PublicSuffix comes from the ICANN section of the list.
	ICANN bool
	// DisplayDomain is ETLDPlusOne as a patient should see it: in Unicode when
	// that cannot mislead, otherwise the A-label form.
	DisplayDomain string
	// Development says why the URI is a development target (plain http, a
	// port other than 443, localhost, an IP literal, a reserved name, a
	// single label) that cannot be assessed; zero when it is not one.
	Development Development
}
