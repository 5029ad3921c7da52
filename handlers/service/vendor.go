package service

import (
	"net/http"

	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/handlers/httpapi"
)

var _ httpapi.Vendor = (*Service)(nil)

// Name is the tag of the service operations.
func (s *Service) Name() string { return "Service" }

// Schemes: the service operations are public.
func (s *Service) Schemes() map[string]httpapi.Scheme { return nil }

// Fields: the service operations take no request bodies.
func (s *Service) Fields() httpapi.FieldTable { return nil }

// Render answers {"detail": "..."} (ServiceError), with the status of the failure.
func (s *Service) Render(f httpapi.Failure) *httpapi.Reply {
	status, detail := http.StatusInternalServerError, "A server error occurred."
	switch f.Kind {
	case httpapi.FailNotFound:
		status, detail = http.StatusNotFound, "Not found."
	case httpapi.FailMethod:
		status, detail = http.StatusMethodNotAllowed, "Method not allowed."
	case httpapi.FailTooLarge:
		status, detail = http.StatusRequestEntityTooLarge, "Request body is too large."
	case httpapi.FailNotAcceptable:
		status, detail = http.StatusNotAcceptable, "Not acceptable."
	case httpapi.FailValidation, httpapi.FailParse:
		status, detail = http.StatusBadRequest, "Invalid request."
	case httpapi.FailMediaType:
		status, detail = http.StatusUnsupportedMediaType, "Unsupported media type."
	case httpapi.FailUnavailable:
		return &httpapi.Reply{Status: http.StatusServiceUnavailable, Headers: httpapi.UnavailableHeaders(),
			Body: models.ServiceError{Detail: "Service temporarily unavailable, try again later."}, Cause: f.Err}
	}
	return &httpapi.Reply{Status: status, Body: models.ServiceError{Detail: detail}, Cause: f.Err}
}
