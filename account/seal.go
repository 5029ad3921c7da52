package account

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/json"
	"errors"
	"time"
)

// MailContent is the part of an outbox mail that may carry a live code, so it is sealed at rest:
// what the mail says (rendered at delivery, in the vendor's voice and the locale's language).
type MailContent struct {
	Email    string        `json:"email,omitempty"`
	NewEmail string        `json:"new_email,omitempty"`
	Code     string        `json:"code,omitempty"`
	Link     string        `json:"link,omitempty"`
	CodePage string        `json:"code_page,omitempty"` // where a bare code is typed (Delivery.Page)
	TTL      time.Duration `json:"ttl,omitempty"`
	Vendor   string        `json:"vendor,omitempty"`
	Locale   string        `json:"locale,omitempty"`

	// Subject and Text are set on rows queued before mail was rendered at delivery (the core
	// rendered English text itself): such a row goes out as it is.
	Subject string `json:"subject,omitempty"`
	Text    string `json:"text,omitempty"`
}

func (k keys) sealMail(id string, m MailContent) ([]byte, error) {
	plain, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return k.sealRow(id, plain)
}

// sealRow encrypts an outbox row's content, bound to the row id.
func (k keys) sealRow(id string, plain []byte) ([]byte, error) {
	aead, err := k.aead()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	mustRead(nonce)
	// The row id is the additional data: a sealed body cannot be moved to another row.
	return aead.Seal(nonce, nonce, plain, []byte(id)), nil
}

func (k keys) openMail(id string, sealed []byte) (MailContent, error) {
	var m MailContent
	plain, err := k.openRow(id, sealed)
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(plain, &m)
}

// openRow decrypts what sealRow encrypted for row id.
func (k keys) openRow(id string, sealed []byte) ([]byte, error) {
	aead, err := k.aead()
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("sealed content too short")
	}
	return aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(id))
}

func (k keys) aead() (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.seal)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
