package password

// Slots is how many argon2id computations may run at once.
func (h *Hasher) Slots() int { return cap(h.slots) }

// InUse is how many argon2id computations run now.
func (h *Hasher) InUse() int { return cap(h.slots) - len(h.slots) }

// Waiting is how many computations wait for a slot now (a burst of logins queues here).
func (h *Hasher) Waiting() int { return int(h.queued.Load()) }
