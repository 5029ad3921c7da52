// Package service implements the operations tagged Service in openapi.yaml, which belong to no
// vendor: health, the API description (whole and per vendor) and its reference page. It also answers, with a plain {"detail"}
// body, requests that fall under no vendor's paths.
package service

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/gen/server"
	"github.com/accountd/accountd/gen/spec"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// Service implements the Service operations and is the Service vendor.
type Service struct {
	core    *account.Service
	metrics prometheus.Gatherer
}

// New builds the Service handlers.
func New(d httpapi.Deps) *Service { return &Service{core: d.Core, metrics: d.Metrics} }

// GetHealth is liveness: answering at all is the answer, so it touches nothing.
func (s *Service) GetHealth(context.Context, server.GetHealthRequestObject) (server.GetHealthResponseObject, error) {
	return server.GetHealth200JSONResponse{Status: models.HealthStatusOk}, nil
}

// GetReadiness is readiness: the database answers (a ping, cached for a second by the core).
func (s *Service) GetReadiness(ctx context.Context, _ server.GetReadinessRequestObject) (server.GetReadinessResponseObject, error) {
	if err := s.core.Ready(ctx); err != nil {
		return server.GetReadiness503JSONResponse{Status: models.HealthStatusUnavailable}, nil
	}
	return server.GetReadiness200JSONResponse{Status: models.HealthStatusOk}, nil
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

// GetMetrics answers the Prometheus registry in the text format, or 404 when the metrics are
// served on ACCOUNTD_METRICS_ADDR instead.
func (s *Service) GetMetrics(context.Context, server.GetMetricsRequestObject) (server.GetMetricsResponseObject, error) {
	if s.metrics == nil {
		return server.GetMetrics404JSONResponse{ServiceNotFoundJSONResponse: server.ServiceNotFoundJSONResponse{Detail: "Not found."}}, nil
	}
	families, err := s.metrics.Gather()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range families {
		if err := enc.Encode(f); err != nil {
			return nil, err
		}
	}
	return server.GetMetrics200TextResponse(b.String()), nil
}
