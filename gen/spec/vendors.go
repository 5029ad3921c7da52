package spec

import (
	"strings"

	"github.com/accountd/accountd"
)

// Vendor returns the slice named file ("webshare.yaml"), byte for byte as in sdk/specs/
// (written there by `make generate`, tools/specslice: the vendor's operations and the
// components they use).
func Vendor(file string) ([]byte, bool) {
	if strings.Contains(file, "/") {
		return nil, false
	}
	b, err := accountd.VendorSpecs.ReadFile("sdk/specs/" + file)
	return b, err == nil
}
