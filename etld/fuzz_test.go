package etld

import (
	"errors"
	"strings"
	"testing"
)

func FuzzETLDPlusOne(f *testing.F) {
	for _, s := range []string{
		"www.example.com", "WWW.Example.COM.", "my-project.github.io", "食狮.公司.cn",
		"xn--85x722f.xn--fiqs8s", "xn--zz.com", "a..b", ".com", "com", "127.1", "[::1]",
		"0x7f.1", "a。com。", "ex\u00adample.com", "b.c.kobe.jp", "www.ck", "r3---sn-x.googlevideo.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		got, err := ETLDPlusOne(host)
		if err != nil {
			checkError(t, host, got, err)
		} else {
			checkETLDPlusOne(t, host, got)
		}
		icann, ierr := Parser{Mode: ICANNOnly}.ETLDPlusOne(host)
		if ierr != nil {
			checkError(t, host, icann, ierr)
		} else {
			checkETLDPlusOne(t, host, icann)
		}
		if err == nil && (ierr != nil || !isLabelSuffix(got, icann)) {
			t.Errorf("ICANNOnly ETLDPlusOne(%q) = %q, %v; not a suffix of Full's %q", host, icann, ierr, got)
		}
		if isFastHost(host) {
			checkFastAgrees(t, host)
		}
	})
}

func checkError(t *testing.T, host, got string, err error) {
	t.Helper()
	if got != "" {
		t.Errorf("ETLDPlusOne(%q): got %q with error %v, want \"\"", host, got, err)
	}
	var he *Error
	if !errors.As(err, &he) || he.Host != host {
		t.Fatalf("ETLDPlusOne(%q): error %#v, want a *Error for the host", host, err)
	}
	if _, known := reasonText[he.Reason]; !known || he.URI != "" {
		t.Errorf("ETLDPlusOne(%q): error %#v has an unknown reason or a URI", host, err)
	}
	if !strings.HasPrefix(err.Error(), "etld: ") {
		t.Errorf("ETLDPlusOne(%q): error %q lacks the package prefix", host, err)
	}
}

// checkETLDPlusOne asserts what a successful eTLD+1 must be: lowercase
// ASCII letters, digits, hyphens and dots, with two labels or more, a fixed
// point of ETLDPlusOne, and a label-aligned suffix of the normalized host.
func checkETLDPlusOne(t *testing.T, host, got string) {
	t.Helper()
	if got == "" || len(got) > maxName || !strings.Contains(got, ".") || strings.HasSuffix(got, ".") || strings.HasPrefix(got, ".") {
		t.Fatalf("ETLDPlusOne(%q) = %q: not a name of two labels or more", host, got)
	}
	for i := 0; i < len(got); i++ {
		c := got[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			t.Fatalf("ETLDPlusOne(%q) = %q: byte %q is not lowercase LDH", host, got, c)
		}
	}
	norm, kind, err := normalizeHost(host)
	if err != nil || kind != kindName {
		t.Fatalf("ETLDPlusOne(%q) = %q, but normalizeHost gives %q, %v, %v", host, got, norm, kind, err)
	}
	if !isLabelSuffix(norm, got) {
		t.Errorf("ETLDPlusOne(%q) = %q: not a label-aligned suffix of %q", host, got, norm)
	}
	if again, err := ETLDPlusOne(got); err == nil && again != got {
		t.Errorf("ETLDPlusOne(%q) = %q, but ETLDPlusOne(%q) = %q", host, got, got, again)
	}
	if a, err := idnaLookupToASCII(got); err != nil || a != got {
		t.Errorf("ETLDPlusOne(%q) = %q: IDNA gives %q, %v", host, got, a, err)
	}
	for label := range strings.SplitSeq(got, ".") {
		if strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			t.Errorf("ETLDPlusOne(%q) = %q: label %q starts or ends with a hyphen", host, got, label)
		}
	}
	if d := DisplayDomain(got); d != got {
		if a, err := idnaLookupToASCII(d); err != nil || a != got {
			t.Errorf("DisplayDomain(%q) = %q, which maps back to %q, %v", got, d, a, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"https://app.example.com/oauth2/callback", "http://localhost:8080/cb",
		"https://good.com@evil.com/", "https://evil.com\\@good.com/", "https://a.com/#x",
		"com.example.app:/cb", "https://[::1]:8443/cb", "https://127.1/", "https://Bücher.de/",
		"https://xn--80ak6aa92e.com/", "https://my-project.github.io/cb", "https:example.com",
		"https://a.com:0443/", "https://co.uk/", "https://nas.home.arpa/", "https://exa%2Emple.com/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		for _, p := range []Parser{{}, {Mode: ICANNOnly}} {
			site, err := p.Parse(uri)
			if err != nil {
				if site != (Site{}) {
					t.Errorf("Parse(%q): got %+v with error %v, want the zero Site", uri, site, err)
				}
				var pe *Error
				if !errors.As(err, &pe) || pe.URI != uri || reasonText[pe.Reason] == "" {
					t.Fatalf("Parse(%q): error %#v, want a *Error matching its reason", uri, err)
				}
				continue
			}
			checkSite(t, p, uri, site)
		}
	})
}

func checkSite(t *testing.T, p Parser, uri string, site Site) {
	t.Helper()
	if site.Scheme != "https" && site.Scheme != "http" {
		t.Errorf("Parse(%q): scheme %q", uri, site.Scheme)
	}
	if site.Port < 1 || site.Port > 65535 {
		t.Errorf("Parse(%q): port %d", uri, site.Port)
	}
	if strings.ContainsAny(uri, "#\\ \t\r\n") {
		t.Errorf("Parse(%q) succeeded on a fragment, backslash or white space", uri)
	}
	// The authority never holds userinfo.
	if i := strings.Index(uri, "//"); i >= 0 {
		auth := uri[i+2:]
		if j := strings.IndexAny(auth, "/?"); j >= 0 {
			auth = auth[:j]
		}
		if strings.Contains(auth, "@") {
			t.Errorf("Parse(%q) succeeded with userinfo", uri)
		}
	}
	if site.Host == "" || site.Host != strings.ToLower(site.Host) || strings.HasSuffix(site.Host, ".") {
		t.Errorf("Parse(%q): host %q, want lowercase without a trailing dot", uri, site.Host)
	}
	if site.DisplayDomain == "" {
		t.Errorf("Parse(%q): empty DisplayDomain", uri)
	}
	if (site.Development == 0) != (site.Development.String() == "") {
		t.Errorf("Parse(%q): Development %d reads %q", uri, site.Development, site.Development)
	}
	if site.Development == 0 && (site.Scheme != "https" || site.Port != 443 || site.ETLDPlusOne == "") {
		t.Errorf("Parse(%q): %+v is not development, yet not https on 443 with an eTLD+1", uri, site)
	}
	if site.ETLDPlusOne != "" {
		if !isLabelSuffix(site.Host, site.ETLDPlusOne) {
			t.Errorf("Parse(%q): eTLD+1 %q is not a suffix of host %q", uri, site.ETLDPlusOne, site.Host)
		}
		if e, err := p.ETLDPlusOne(site.Host); err != nil || e != site.ETLDPlusOne {
			t.Errorf("Parse(%q): eTLD+1 %q, but ETLDPlusOne(%q) = %q, %v", uri, site.ETLDPlusOne, site.Host, e, err)
		}
	}
}

// FuzzDisplayDomain: DisplayDomain shows Unicode only for the Unicode form
// of the name it was given, and never for a name whose skeleton (or that of
// one of its suffixes) is a top domain's, unless the name is that domain or
// under it.
func FuzzDisplayDomain(f *testing.F) {
	for _, s := range []string{
		"example.com", "bücher.de", "googlé.com", "gооgle.com", "аррӏе.com", "1շ.com", "ß.com",
		"www.googlé.com", "éxample.blogspot.com", "þorn.is", "日本のサイト.jp", "ip一address.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		a, err := lookup.ToASCII(host)
		if err != nil {
			a = strings.ToLower(host)
		}
		got := DisplayDomain(a)
		if isASCII(got) {
			return // the A-label, or an invalid name escaped
		}
		if !isASCII(a) { // DisplayDomain was given Unicode: compare A-labels
			if a, err = lookup.ToASCII(a); err != nil {
				t.Fatalf("DisplayDomain(%q) = %q for a name that is not valid IDNA", host, got)
			}
		}
		if back, err := lookup.ToASCII(got); err != nil || back != a {
			t.Fatalf("DisplayDomain(%q) = %q, which is %q, %v", a, got, back, err)
		}
		top := topSkeletons()
		labels := strings.Split(got, ".")
		for i := range labels {
			if len(labels)-i < 2 {
				break
			}
			for _, sk := range skeletons(strings.Join(labels[i:], ".")) {
				if d, ok := top[sk]; ok && a != d && !strings.HasSuffix(a, "."+d) {
					t.Fatalf("DisplayDomain(%q) = %q, a lookalike of top domain %q", a, got, d)
				}
			}
		}
	})
}
