package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/gen/server"
	"github.com/accountd/accountd/gen/spec"
)

// Service implements the operations that belong to no vendor: health and the spec itself.
type Service struct {
	core *account.Service
}

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
