// Package akana serves the Akana API Platform user API: login with a tenant-named session
// cookie and CSRF header, email change and password reset codes, password change.
package akana
