package akana

import "testing"

func TestNegotiate(t *testing.T) {
	cases := []struct {
		accept, want string
		ok           bool
	}{
		{"", mediaJSON, true},
		{"*/*", mediaJSON, true},
		{"application/json, text/javascript, */*; q=0.01", mediaJSON, true}, // the vendor page's sample
		{"application/vnd.soa.v81+json", mediaV81, true},
		{"application/vnd.soa.v71+json", mediaV71, true},
		{"application/vnd.soa.v72+json, application/json;q=0.5", mediaV72, true},
		{"application/json;q=0.2, application/vnd.soa.v80+json", mediaV80, true},
		{"application/*", mediaJSON, true},
		{"APPLICATION/VND.SOA.V80+JSON", mediaV80, true},
		{"text/html", "", false},
		{"application/xml", "", false},
		{"application/vnd.soa.v90+json", "", false},
		{"application/json;q=0", "", false},
		{"*/*;q=0", "", false},
		{"text/html, */*;q=0.1", mediaJSON, true},
		{"application/json;q=0, */*", mediaV71, true},
		{";;;", "", false},
	}
	for _, c := range cases {
		got, ok := negotiate(c.accept)
		if got != c.want || ok != c.ok {
			t.Errorf("negotiate(%q) = %q, %v; want %q, %v", c.accept, got, ok, c.want, c.ok)
		}
	}
}

func TestUserFDN(t *testing.T) {
	id := "6929a1b2c3d4e5f601234567"
	fdn := UserFDN(id, "acmepaymentscorp")
	if fdn != "6929a1b2-c3d4-8e5f-8601-234567000000.acmepaymentscorp" {
		t.Fatalf("UserFDN = %s", fdn)
	}
	if got, ok := userIDFromFDN(fdn, "acmepaymentscorp"); !ok || got != id {
		t.Fatalf("round trip: %s %v", got, ok)
	}
	for _, bad := range []string{
		"", fdn + "x", "6929a1b2-c3d4-8e5f-8601-234567000000.othertenant", "6929a1b2-c3d4-8e5f-8601-234567000000",
		"6929a1b2-c3d4-4e5f-8601-234567000000.acmepaymentscorp", "6929a1b2-c3d4-8e5f-8601-234567000001.acmepaymentscorp",
		"6929A1B2-c3d4-8e5f-8601-234567000000.acmepaymentscorp", "0b1f57b0-7c48-4c75-b4d4-da2f44885cdb.acmepaymentscorp",
	} {
		if _, ok := userIDFromFDN(bad, "acmepaymentscorp"); ok {
			t.Errorf("userIDFromFDN(%q) accepted", bad)
		}
	}
}
