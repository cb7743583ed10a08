package message

// TTLMinutes is the `ttl_minutes` a template shows for a lifetime of
// seconds: whole minutes, rounded down, at least 1 (ui.md §11–12), so a
// short lifetime never reads "valid for 0 minutes".
func TTLMinutes(seconds int) int { return max(seconds/60, 1) }

// TTLHours is the `ttl_hours` a template shows for a lifetime of seconds:
// whole hours, rounded down, at least 1 (ui.md §11).
func TTLHours(seconds int) int { return max(seconds/3600, 1) }
