package akana

import (
	"encoding/json"
	"net/http"

	"github.com/accountd/accountd/gen/models"
)

// loginReply answers with the login body in the negotiated media type and sets (or expires)
// cookies. The generated response types set one Set-Cookie header, and a login sets two, so
// the operations that touch cookies answer with this type; it implements their generated
// response interfaces.
type loginReply struct {
	mediaType string
	cookies   []*http.Cookie
	body      *models.AkanaLoginInfo // nil: no content
}

func (r loginReply) write(w http.ResponseWriter) error {
	for _, c := range r.cookies {
		http.SetCookie(w, c)
	}
	// The cookies are the session: no cache may keep or share them.
	w.Header().Set("Cache-Control", "no-store")
	if r.body == nil {
		w.WriteHeader(http.StatusOK)
		return nil
	}
	w.Header().Set("Content-Type", r.mediaType)
	w.WriteHeader(http.StatusOK)
	return json.NewEncoder(w).Encode(r.body)
}

func (r loginReply) VisitAkanaLoginResponse(w http.ResponseWriter) error          { return r.write(w) }
func (r loginReply) VisitAkanaGetLoginStatusResponse(w http.ResponseWriter) error { return r.write(w) }
func (r loginReply) VisitAkanaRenewTokenResponse(w http.ResponseWriter) error     { return r.write(w) }
func (r loginReply) VisitAkanaLogoutResponse(w http.ResponseWriter) error         { return r.write(w) }
func (r loginReply) VisitAkanaEndSessionResponse(w http.ResponseWriter) error     { return r.write(w) }
func (r loginReply) VisitAkanaAuthenticateWithPasswordResetCodeResponse(w http.ResponseWriter) error {
	return r.write(w)
}
