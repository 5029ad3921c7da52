package account

import "time"

// Now is the core's clock (UTC), for vendors that state times relative to it (a retry time, a
// token's remaining lifetime), so their answers agree with the core's when tests move it.
func (s *Service) Now() time.Time { return s.now() }
