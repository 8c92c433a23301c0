package appidentexpvar_test

import (
	"context"
	"encoding/json"
	"expvar"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidentexpvar"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
)

// newChecker returns a Checker on a world with one described site, and the
// app registered there.
func newChecker(t *testing.T) (*appident.Checker, appident.App) {
	t.Helper()
	w := appidenttest.New(t)
	site, err := w.AddSite(appidenttest.SiteOptions{
		Host: "app.metrichealth.com", Type: tlsinspect.OV, Organization: "Metric Health, Inc.", Country: "US",
		ClientIDs: []string{"metric-app"},
	})
	require.NoError(t, err)
	c, err := appident.New(w.Config())
	require.NoError(t, err)
	return c, site.App("metric-app", "Metric App")
}

// jsonNames returns the JSON names of appident.Stats's fields.
func jsonNames(t *testing.T) []string {
	t.Helper()
	var names []string
	st := reflect.TypeFor[appident.Stats]()
	for i := range st.NumField() {
		name, _, _ := strings.Cut(st.Field(i).Tag.Get("json"), ",")
		require.NotEmpty(t, name, "Stats.%s has no JSON name", st.Field(i).Name)
		names = append(names, name)
	}
	return names
}

func TestPublishServesStatsAtDebugVars(t *testing.T) {
	c, app := newChecker(t)
	require.NoError(t, appidentexpvar.Publish("appident_test", c))
	for range 3 {
		_, err := c.Assess(context.Background(), app)
		require.NoError(t, err)
	}
	// expvar.Handler is what importing expvar registers at /debug/vars.
	srv := httptest.NewServer(expvar.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/debug/vars")
	require.NoError(t, err)
	defer resp.Body.Close()
	var vars map[string]json.RawMessage
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&vars))
	require.Contains(t, vars, "appident_test")
	var got map[string]uint64
	require.NoError(t, json.Unmarshal(vars["appident_test"], &got))

	// Every Stats field is there, under its JSON name, with its value.
	want := c.Stats()
	wv := reflect.ValueOf(want)
	for i, name := range jsonNames(t) {
		if assert.Contains(t, got, name) {
			f := wv.Field(i)
			if f.CanInt() { // a gauge (InFlight), never negative
				assert.Equal(t, uint64(f.Int()), got[name], name)
			} else {
				assert.Equal(t, f.Uint(), got[name], name)
			}
		}
	}
	assert.Len(t, got, wv.NumField(), "members beyond Stats's fields")
	// Three assessments of one app: one DNS lookup and one handshake, the
	// rest from the cache.
	assert.Equal(t, uint64(3), got["assessments"])
	assert.Equal(t, uint64(0), got["errors"])
	assert.Equal(t, uint64(1), got["dns_lookups"])
	assert.Equal(t, uint64(1), got["handshakes"])
	assert.Positive(t, got["cache_hits"])

	// The value is read when rendered, not when published.
	_, err = c.Assess(context.Background(), app)
	require.NoError(t, err)
	var again map[string]uint64
	require.NoError(t, json.Unmarshal([]byte(expvar.Get("appident_test").String()), &again))
	assert.Equal(t, uint64(4), again["assessments"])
}

func TestPublishRefusesInsteadOfPanicking(t *testing.T) {
	c, _ := newChecker(t)
	require.NoError(t, appidentexpvar.Publish("appident_twice", c))
	assert.ErrorContains(t, appidentexpvar.Publish("appident_twice", c), "already published")
	assert.ErrorContains(t, appidentexpvar.Publish("", c), "empty")
	assert.ErrorContains(t, appidentexpvar.Publish("appident_nil", nil), "nil Checker")
	assert.Nil(t, expvar.Get("appident_nil"))
}

func TestVarForAMapOfOnesOwn(t *testing.T) {
	c, app := newChecker(t)
	m := new(expvar.Map).Init()
	m.Set("primary", appidentexpvar.Var(c))
	_, err := c.Assess(context.Background(), app)
	require.NoError(t, err)
	var got map[string]map[string]uint64
	require.NoError(t, json.Unmarshal([]byte(m.String()), &got))
	assert.Equal(t, uint64(1), got["primary"]["assessments"])
}

// Every metric is documented in the package doc, under its name; a Stats
// field added without its line here fails.
func TestEveryMetricIsDocumented(t *testing.T) {
	src, err := os.ReadFile("expvar.go")
	require.NoError(t, err)
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^//\t([a-z_]+) {2,}\S`).FindAllStringSubmatch(string(src), -1) {
		documented[m[1]] = true
	}
	names := jsonNames(t)
	for _, name := range names {
		assert.True(t, documented[name], "metric %q is not in the package doc's list", name)
	}
	assert.Len(t, documented, len(names), "the package doc lists metrics Stats does not have: %v", documented)
}
