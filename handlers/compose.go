package handlers

import (
	"github.com/accountd/accountd/gen/server"
	"github.com/accountd/accountd/handlers/akana"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/accountd/accountd/handlers/pages"
	"github.com/accountd/accountd/handlers/payway"
	"github.com/accountd/accountd/handlers/rixl"
	"github.com/accountd/accountd/handlers/service"
	"github.com/accountd/accountd/handlers/webshare"
)

// The one place that composes the vendors. Adding a vendor is one field in API, one
// constructor and one entry in the list below (README: "Adding a vendor").

// API implements every operation of openapi.yaml: each vendor's handlers, embedded.
type API struct {
	*service.Service
	*webshare.Webshare
	*payway.Payway
	*rixl.Rixl
	*akana.Akana
	*pages.Pages
}

// The generated interface lists every operation of openapi.yaml: a vendor left out, or an
// operation without a handler, does not compile.
var _ server.StrictServerInterface = (*API)(nil)

// compose builds every vendor's handlers and returns them with the vendors (tag, security
// schemes, field tables, renderer) that the server checks against openapi.yaml at start.
func compose(d httpapi.Deps, ak akana.Settings) (*API, []httpapi.Vendor) {
	api := &API{
		Service:  service.New(d),
		Webshare: webshare.New(d),
		Payway:   payway.New(d),
		Rixl:     rixl.New(d),
		Akana:    akana.New(d, ak),
		Pages:    pages.New(d),
	}
	return api, []httpapi.Vendor{api.Service, api.Webshare, api.Payway, api.Rixl, api.Akana, api.Pages}
}
