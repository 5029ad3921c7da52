package account

import "github.com/accountd/accountd/models"

// DatabaseUnavailable tells whether err, from any core function, means the database could
// not be reached (restarting, failing over, cut off): nothing was decided, and the same
// request may succeed in a moment. Handlers answer it 503 with Retry-After.
func DatabaseUnavailable(err error) bool { return models.IsUnavailable(err) }
