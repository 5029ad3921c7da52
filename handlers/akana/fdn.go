package akana

import (
	"regexp"
	"strings"
)

// DefaultTenant is the tenant ("fedmember") id when ACCOUNTD_AKANA_TENANT is not set: the one
// Akana's documentation uses.
const DefaultTenant = "acmepaymentscorp"

var tenantPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,63}$`)

// ValidTenant tells whether id can be a tenant: it becomes part of cookie and header names and
// of every userFDN, so only letters, digits and hyphens.
func ValidTenant(id string) bool { return tenantPattern.MatchString(id) }

// UserFDN names a user as Akana does, {uuid}.{tenant}. The core's user ids are 24 hex digits
// (96 bits); they are laid out as an RFC 9562 version-8 ("custom") UUID, so the name has
// Akana's shape and maps back to the id without a lookup table:
//
//	xxxxxxxx-xxxx-8xxx-8xxx-xxxxxx000000
func UserFDN(userID, tenant string) string {
	if !hexID.MatchString(userID) {
		return userID + "." + tenant // never happens: every id is made by models.NewID
	}
	h := userID
	return h[0:8] + "-" + h[8:12] + "-8" + h[12:15] + "-8" + h[15:18] + "-" + h[18:24] + "000000." + tenant
}

var (
	hexID   = regexp.MustCompile(`^[0-9a-f]{24}$`)
	fdnUUID = regexp.MustCompile(`^([0-9a-f]{8})-([0-9a-f]{4})-8([0-9a-f]{3})-8([0-9a-f]{3})-([0-9a-f]{6})000000$`)
)

// userIDFromFDN is UserFDN's inverse. ok is false for anything that is not the name of a user
// of this tenant.
func userIDFromFDN(fdn, tenant string) (userID string, ok bool) {
	uuid, ok := strings.CutSuffix(fdn, "."+tenant)
	if !ok {
		return "", false
	}
	m := fdnUUID.FindStringSubmatch(uuid)
	if m == nil {
		return "", false
	}
	return m[1] + m[2] + m[3] + m[4] + m[5], true
}
