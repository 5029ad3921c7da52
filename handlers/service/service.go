// Package service implements the operations tagged Service in openapi.yaml, which belong to no
// vendor: health, the API description (whole and per vendor) and its reference page. It also answers, with a plain {"detail"}
// body, requests that fall under no vendor's paths.
package service

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/gen/server"
	"github.com/accountd/accountd/gen/spec"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Service implements the Service operations and is the Service vendor.
type Service struct {
	core *account.Service
}

// New builds the Service handlers.
func New(d httpapi.Deps) *Service { return &Service{core: d.Core} }

func (s *Service) GetHealth(ctx context.Context, _ server.GetHealthRequestObject) (server.GetHealthResponseObject, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.core.Ping(ctx); err != nil {
		return server.GetHealth503JSONResponse{Status: models.HealthStatusUnavailable}, nil
	}
	return server.GetHealth200JSONResponse{Status: models.HealthStatusOk}, nil
}

func (s *Service) GetOpenAPIYAML(context.Context, server.GetOpenAPIYAMLRequestObject) (server.GetOpenAPIYAMLResponseObject, error) {
	return server.GetOpenAPIYAML200ApplicationyamlResponse{Body: bytes.NewReader(spec.YAML), ContentLength: int64(len(spec.YAML))}, nil
}

// GetVendorOpenAPIYAML serves one vendor's slice (tools/specslice), the same bytes as sdk/specs/.
func (s *Service) GetVendorOpenAPIYAML(_ context.Context, req server.GetVendorOpenAPIYAMLRequestObject) (server.GetVendorOpenAPIYAMLResponseObject, error) {
	doc, ok := spec.Vendor(req.File)
	if !ok {
		return server.GetVendorOpenAPIYAML404JSONResponse{ServiceNotFoundJSONResponse: server.ServiceNotFoundJSONResponse{Detail: "Not found."}}, nil
	}
	return server.GetVendorOpenAPIYAML200ApplicationyamlResponse{Body: bytes.NewReader(doc), ContentLength: int64(len(doc))}, nil
}

func (s *Service) GetOpenAPIJSON(context.Context, server.GetOpenAPIJSONRequestObject) (server.GetOpenAPIJSONResponseObject, error) {
	raw, err := spec.JSON()
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	return server.GetOpenAPIJSON200JSONResponse(doc), nil
}
