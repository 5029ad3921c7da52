package pages

import "net/http"

// page is the response of every Pages operation: one Visit method per operation of the
// generated strict interface, all writing the same way.
func (p page) VisitPagesShowActivationResponse(w http.ResponseWriter) error       { return p.write(w) }
func (p page) VisitPagesShowAkanaEmailChangeResponse(w http.ResponseWriter) error { return p.write(w) }
func (p page) VisitPagesShowAkanaResetPasswordResponse(w http.ResponseWriter) error {
	return p.write(w)
}
func (p page) VisitPagesShowChangeEmailResponse(w http.ResponseWriter) error       { return p.write(w) }
func (p page) VisitPagesShowPaywayEmailChangeResponse(w http.ResponseWriter) error { return p.write(w) }
func (p page) VisitPagesShowPaywayResetPasswordResponse(w http.ResponseWriter) error {
	return p.write(w)
}
func (p page) VisitPagesShowResetPasswordResponse(w http.ResponseWriter) error     { return p.write(w) }
func (p page) VisitPagesShowRixlResetPasswordResponse(w http.ResponseWriter) error { return p.write(w) }
func (p page) VisitPagesShowUndoEmailChangeResponse(w http.ResponseWriter) error   { return p.write(w) }
func (p page) VisitPagesSubmitActivationResponse(w http.ResponseWriter) error      { return p.write(w) }
func (p page) VisitPagesSubmitAkanaEmailChangeResponse(w http.ResponseWriter) error {
	return p.write(w)
}
func (p page) VisitPagesSubmitAkanaResetPasswordResponse(w http.ResponseWriter) error {
	return p.write(w)
}
func (p page) VisitPagesSubmitChangeEmailResponse(w http.ResponseWriter) error { return p.write(w) }
func (p page) VisitPagesSubmitPaywayEmailChangeResponse(w http.ResponseWriter) error {
	return p.write(w)
}
func (p page) VisitPagesSubmitPaywayResetPasswordResponse(w http.ResponseWriter) error {
	return p.write(w)
}
func (p page) VisitPagesSubmitResetPasswordResponse(w http.ResponseWriter) error { return p.write(w) }
func (p page) VisitPagesSubmitRixlResetPasswordResponse(w http.ResponseWriter) error {
	return p.write(w)
}
func (p page) VisitPagesSubmitUndoEmailChangeResponse(w http.ResponseWriter) error { return p.write(w) }
